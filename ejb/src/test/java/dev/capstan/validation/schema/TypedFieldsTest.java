package dev.capstan.validation.schema;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TypedFieldsTest {

  private static final Class<?> POD = ModelClasses.of("", "Pod").orElseThrow();
  private static final Class<?> RC = ModelClasses.of("", "ReplicationController").orElseThrow();
  private static final Class<?> CONFIG_MAP = ModelClasses.of("", "ConfigMap").orElseThrow();
  private static final Class<?> SECRET = ModelClasses.of("", "Secret").orElseThrow();
  private static final Class<?> DEPLOYMENT = ModelClasses.of("apps", "Deployment").orElseThrow();

  @Test
  void theReferenceManifestsFitTheirTypes() {
    assertThat(TypedFields.mismatch(json("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"node-js-pod","labels":{"a":"b"}},
         "spec":{"containers":[{"name":"node-js-pod","image":"bitnami/apache:latest",
           "ports":[{"containerPort":80}],
           "resources":{"limits":{"memory":"512Mi","cpu":1.5}},
           "livenessProbe":{"httpGet":{"path":"/status/","port":80},"initialDelaySeconds":30,
             "timeoutSeconds":null}}],
           "volumes":[{"name":"memory-volume","emptyDir":{"medium":"Memory"}}]}}"""), POD))
        .isEmpty();
    assertThat(TypedFields.mismatch(json("""
        {"apiVersion":"v1","kind":"ReplicationController",
         "metadata":{"name":"node-js","labels":{"name":"node-js"}},
         "spec":{"replicas":3,"selector":{"name":"node-js"},
           "template":{"metadata":{"labels":{"name":"node-js"}},
             "spec":{"containers":[{"name":"node-js","image":"jonbaier/node-express-info:latest",
               "ports":[{"containerPort":80}]}]}}}}"""), RC)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      {"data":{"a":1}}                   | json: cannot unmarshal number into Go struct field ConfigMap.data of type string
      {"data":{"a":{"b":"c"}}}           | json: cannot unmarshal object into Go struct field ConfigMap.data of type string
      {"data":["a"]}                     | json: cannot unmarshal array into Go struct field ConfigMap.data of type map[string]string
      {"data":"a"}                       | json: cannot unmarshal string into Go struct field ConfigMap.data of type map[string]string
      {"metadata":5}                     | json: cannot unmarshal number into Go struct field ConfigMap.metadata of type v1.ObjectMeta
      {"metadata":{"annotations":{"a":{}}}} | json: cannot unmarshal object into Go struct field ObjectMeta.metadata.annotations of type string
      {"metadata":{"labels":{"a":true}}} | json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string
      {"immutable":"yes"}                | json: cannot unmarshal string into Go struct field ConfigMap.immutable of type bool
      {"binaryData":{"a":"not base64!"}} | illegal base64 data at input byte 3
      """)
  void configMapValuesOfTheWrongTypeAreRefusedInGosWords(String body, String error) {
    assertThat(TypedFields.mismatch(json(body), CONFIG_MAP)).contains(error);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      {"spec":{"replicas":"3"}}          | json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32
      {"spec":{"replicas":1.5}}          | json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32
      {"spec":{"replicas":4294967296}}   | json: cannot unmarshal number 4294967296 into Go struct field DeploymentSpec.spec.replicas of type int32
      {"spec":{"replicas":2147483648}}   | json: cannot unmarshal number 2147483648 into Go struct field DeploymentSpec.spec.replicas of type int32
      {"spec":{"selector":{"matchExpressions":[{"key":"a","operator":"In","values":[1]}]}}} | json: cannot unmarshal number into Go struct field LabelSelectorRequirement.spec.selector.matchExpressions.values of type string
      {"spec":{"template":{"spec":{"containers":[{"name":"c","env":[{"name":"A","value":7070}]}]}}}} | json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string
      {"spec":{"template":{"spec":{"containers":{}}}}} | json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container
      {"spec":{"strategy":{"rollingUpdate":{"maxSurge":true}}}} | json: cannot unmarshal bool into Go value of type int32
      {"spec":{"strategy":{"rollingUpdate":{"maxSurge":1.5}}}} | json: cannot unmarshal number 1.5 into Go value of type int32
      {"spec":{"paused":"true"}}         | json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool
      {"spec":{"template":{"spec":{"containers":[{"name":"c","resources":{"limits":{"cpu":"1.5.5"}}}]}}}} | quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'
      {"spec":{"template":{"spec":{"containers":[{"name":"c","resources":{"limits":{"cpu":{}}}}]}}}} | quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'
      """)
  void deploymentValuesOfTheWrongTypeAreRefusedInGosWords(String body, String error) {
    assertThat(TypedFields.mismatch(json(body), DEPLOYMENT)).contains(error);
  }

  @Test
  void exponentNotationIsNotAnInteger() {
    Optional<String> error = TypedFields.mismatch(json("{\"spec\":{\"replicas\":1E10}}"), DEPLOYMENT);

    assertThat(error).get().asString()
        .startsWith("json: cannot unmarshal number 1")
        .endsWith(" into Go struct field DeploymentSpec.spec.replicas of type int32");
  }

  @Test
  void intOrStringAndQuantityTakeNumbersOrStrings() {
    assertThat(TypedFields.mismatch(json("""
        {"spec":{"replicas":null,"strategy":{"rollingUpdate":{"maxSurge":"25%","maxUnavailable":1}},
         "template":{"spec":{"containers":[{"name":"c","resources":{"limits":{"cpu":2,"memory":"1Gi"}}}]}}}}
        """), DEPLOYMENT)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      {"data":{"a":"YWJj"}}        | ''
      {"data":{"a":"YWI="}}        | ''
      {"data":{"a":"YQ=="}}        | ''
      {"data":{"a":"YW\\nJj"}}     | ''
      {"data":{"a":""}}            | ''
      {"data":{"a":"plain text"}}  | illegal base64 data at input byte 5
      {"data":{"a":"YWJ"}}         | illegal base64 data at input byte 0
      {"data":{"a":"YWJjZ"}}       | illegal base64 data at input byte 4
      {"data":{"a":"YQ="}}         | illegal base64 data at input byte 2
      {"data":{"a":"YQ==YQ=="}}    | illegal base64 data at input byte 4
      {"data":{"a":5}}             | json: cannot unmarshal number into Go struct field Secret.data of type []uint8
      {"data":[]}                  | json: cannot unmarshal array into Go struct field Secret.data of type map[string][]uint8
      {"stringData":{"a":5}}       | json: cannot unmarshal number into Go struct field Secret.stringData of type string
      """)
  void secretDataIsBase64AsGoDecodesIt(String body, String error) {
    Optional<String> mismatch = TypedFields.mismatch(json(body), SECRET);
    if (error.isEmpty()) {
      assertThat(mismatch).isEmpty();
    } else {
      assertThat(mismatch).contains(error);
    }
  }

  @Test
  void unknownAndFreeFormFieldsAreNotLookedInto() {
    assertThat(TypedFields.mismatch(json("{\"whatever\":{\"replicas\":\"x\"},\"data\":null}"),
        CONFIG_MAP)).isEmpty();
  }

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }
}
