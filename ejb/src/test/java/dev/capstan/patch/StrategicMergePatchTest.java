package dev.capstan.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class StrategicMergePatchTest {

  /** The reference ReplicationController, with a second container and some env. */
  private static final JsonObject RC = json("""
      {"apiVersion":"v1","kind":"ReplicationController",
       "metadata":{"name":"node-js","labels":{"name":"node-js"},"finalizers":["a"]},
       "spec":{"replicas":3,"selector":{"name":"node-js"},
         "template":{"metadata":{"labels":{"name":"node-js"}},
           "spec":{"containers":[
             {"name":"node-js","image":"jonbaier/node-express-info:latest",
              "ports":[{"containerPort":80}],
              "env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],
              "args":["--x"]},
             {"name":"sidecar","image":"busybox:1.36"}]}}}}""");

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      // kubectl label
      "label|{\"metadata\":{\"labels\":{\"env\":\"testing\"}}}|/metadata/labels|{\"name\":\"node-js\",\"env\":\"testing\"}",
      // kubectl label env- (null deletes)
      "unlabel|{\"metadata\":{\"labels\":{\"name\":null}}}|/metadata/labels|{}",
      // kubectl scale through the object
      "scale|{\"spec\":{\"replicas\":5}}|/spec/replicas|5",
      // kubectl set image: only the named container's image changes
      "set image|{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"node-js\",\"image\":\"node:2\"}]}}}}|/spec/template/spec/containers/0|{\"name\":\"node-js\",\"image\":\"node:2\",\"ports\":[{\"containerPort\":80}],\"env\":[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"B\",\"value\":\"2\"}],\"args\":[\"--x\"]}",
      // the other container is kept
      "other container kept|{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"node-js\",\"image\":\"node:2\"}]}}}}|/spec/template/spec/containers/1/image|\"busybox:1.36\"",
      // a new container is appended
      "container added|{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"log\",\"image\":\"fluent\"}]}}}}|/spec/template/spec/containers/2/name|\"log\"",
      // env merges by name
      "env merged|{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"node-js\",\"env\":[{\"name\":\"B\",\"value\":\"9\"},{\"name\":\"C\",\"value\":\"3\"}]}]}}}}|/spec/template/spec/containers/0/env|[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"B\",\"value\":\"9\"},{\"name\":\"C\",\"value\":\"3\"}]",
      // ports merge by containerPort
      "port added|{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"node-js\",\"ports\":[{\"containerPort\":8080}]}]}}}}|/spec/template/spec/containers/0/ports|[{\"containerPort\":80},{\"containerPort\":8080}]",
      // lists without a merge key are replaced
      "args replaced|{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"node-js\",\"args\":[\"--y\"]}]}}}}|/spec/template/spec/containers/0/args|[\"--y\"]",
      // finalizers merge as a set
      "finalizer added|{\"metadata\":{\"finalizers\":[\"a\",\"b\"]}}|/metadata/finalizers|[\"a\",\"b\"]",
      "finalizer removed|{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":[\"a\"]}}|/metadata/finalizers|[]",
      // element removal by key
      "container deleted|{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"sidecar\",\"$patch\":\"delete\"}]}}}}|/spec/template/spec/containers/0/name|\"node-js\"",
      // replace a whole map
      "selector replaced|{\"spec\":{\"selector\":{\"app\":\"web\",\"$patch\":\"replace\"}}}|/spec/selector|{\"app\":\"web\"}",
      // replace a whole keyed list
      "containers replaced|{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"only\",\"image\":\"x\"},{\"$patch\":\"replace\"}]}}}}|/spec/template/spec/containers|[{\"name\":\"only\",\"image\":\"x\"}]",
      // ordering as kubectl apply sends it
      "element order|{\"spec\":{\"template\":{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"sidecar\"},{\"name\":\"node-js\"}]}}}}|/spec/template/spec/containers/0/name|\"sidecar\"",
      // $retainKeys keeps only the listed keys
      "retain keys|{\"spec\":{\"$retainKeys\":[\"replicas\",\"template\"],\"replicas\":2}}|/spec/selector|null"})
  void appliesLikeKubectlExpects(String what, String patch, String pointer, String expected) {
    JsonObject result = StrategicMergePatch.apply(RC, json(patch));

    JsonValue actual = Json.createPointer(pointer).containsValue(result)
        ? Json.createPointer(pointer).getValue(result) : JsonValue.NULL;
    assertThat(actual).as(what).isEqualTo(Json.createReader(new StringReader(expected)).readValue());
  }

  @Test
  void kubectlApplyPatchChangesImageAndKeepsOrder() {
    JsonObject patch = json("""
        {"spec":{"template":{"spec":{
          "$setElementOrder/containers":[{"name":"node-js"},{"name":"sidecar"}],
          "containers":[{"name":"node-js","image":"jonbaier/node-express-info:0.2"}]}}}}""");

    JsonObject result = StrategicMergePatch.apply(RC, patch);

    JsonObject first = result.getJsonObject("spec").getJsonObject("template").getJsonObject("spec")
        .getJsonArray("containers").getJsonObject(0);
    assertThat(first.getString("image")).isEqualTo("jonbaier/node-express-info:0.2");
    assertThat(first.getJsonArray("ports")).hasSize(1);
  }

  @Test
  void servicePortsMergeByPort() {
    JsonObject service = json("""
        {"spec":{"ports":[{"name":"http","port":80},{"name":"fake-admin-http","port":8888}]}}""");

    JsonObject result = StrategicMergePatch.apply(service,
        json("{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":8080}]}}"));

    assertThat(result.getJsonObject("spec").getJsonArray("ports")).hasSize(2);
    assertThat(result.getJsonObject("spec").getJsonArray("ports").getJsonObject(0).getInt("targetPort"))
        .isEqualTo(8080);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"metadata\":{\"$bogus\":1}}",
      "{\"spec\":{\"$patch\":\"frobnicate\"}}",
      "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"image\":\"no-name\"}]}}}}",
      "{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":\"a\"}}"})
  void malformedPatchesAreRefused(String patch) {
    assertThatThrownBy(() -> StrategicMergePatch.apply(RC, json(patch)))
        .isInstanceOf(InvalidPatchException.class);
  }

  @Test
  void inputsAreNotChanged() {
    String before = RC.toString();
    StrategicMergePatch.apply(RC, json("{\"spec\":{\"replicas\":9}}"));
    assertThat(RC.toString()).isEqualTo(before);
  }

  static JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }
}
