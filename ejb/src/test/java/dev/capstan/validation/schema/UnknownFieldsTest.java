package dev.capstan.validation.schema;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class UnknownFieldsTest {

  private static final Class<?> POD = ModelClasses.of("", "Pod").orElseThrow();

  @Test
  void referencePodHasNoUnknownFields() {
    assertThat(UnknownFields.of(json("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"node-js-pod","labels":{"a":"b"}},
         "spec":{"containers":[{"name":"node-js-pod","image":"bitnami/apache:latest",
           "ports":[{"containerPort":80}],
           "resources":{"limits":{"memory":"512Mi","cpu":"1500m"}},
           "livenessProbe":{"httpGet":{"path":"/status/","port":80},"initialDelaySeconds":30}}],
           "volumes":[{"name":"memory-volume","emptyDir":{"medium":"Memory"}}]}}"""), POD)).isEmpty();
  }

  @Test
  void theBooksEmptydirTypoAndAMisspelledImageAreNamedByPath() {
    assertThat(UnknownFields.of(json("""
        {"metadata":{"name":"p","lables":{}},
         "spec":{"containers":[{"name":"c","imagex":"x"}],
           "volumes":[{"name":"v","emptydir":{}}]}}"""), POD))
        .containsExactlyInAnyOrder("metadata.lables", "spec.containers[0].imagex",
            "spec.volumes[0].emptydir");
  }

  @Test
  void deploymentTemplatesAreCheckedToo() {
    Class<?> deployment = ModelClasses.of("apps", "Deployment").orElseThrow();
    assertThat(UnknownFields.of(json("""
        {"spec":{"replicas":1,"selector":{"matchLabels":{"a":"b"}},
          "template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"x","bogus":1}]}}}}"""),
        deployment)).containsExactly("spec.template.spec.containers[0].bogus");
  }

  @Test
  void pruningDropsOnlyTheUnknownFields() {
    JsonObject pruned = UnknownFields.pruned(json("""
        {"metadata":{"name":"p","lables":{"x":"y"},"labels":{"keep":"me"}},
         "spec":{"containers":[{"name":"c","image":"x","imagex":"y"}],
           "volumes":[{"name":"v","emptydir":{}}]}}"""), POD);

    assertThat(UnknownFields.of(pruned, POD)).isEmpty();
    assertThat(pruned.getJsonObject("metadata").getJsonObject("labels").getString("keep")).isEqualTo("me");
    assertThat(pruned.getJsonObject("spec").getJsonArray("containers").getJsonObject(0).getString("image"))
        .isEqualTo("x");
    assertThat(pruned.getJsonObject("spec").getJsonArray("volumes").getJsonObject(0).keySet())
        .containsExactly("name");
  }

  @Test
  void nullsReadAsGoReadsThemIntoItsTypes() {
    Class<?> binding = ModelClasses.of("rbac.authorization.k8s.io", "RoleBinding").orElseThrow();
    JsonObject pruned = UnknownFields.pruned(json("""
        {"metadata":{"name":"rb","labels":{"a":null},"annotations":null},"roleRef":null,
         "subjects":[null,{"kind":"User","name":"u","namespace":null}]}"""), binding);

    assertThat(pruned.containsKey("roleRef")).isFalse();
    assertThat(pruned.getJsonObject("metadata").containsKey("annotations")).isFalse();
    assertThat(pruned.getJsonObject("metadata").getJsonObject("labels").getString("a")).isEmpty();
    assertThat(pruned.getJsonArray("subjects").getJsonObject(0)).isEmpty();
    assertThat(pruned.getJsonArray("subjects").getJsonObject(1).keySet())
        .containsExactly("kind", "name");
  }

  @Test
  void nullElementsOfScalarListsAreTheirZeroValues() {
    JsonObject pruned = UnknownFields.pruned(json("""
        {"spec":{"containers":[{"name":"c","image":"x","command":[null,"sh"]}],
          "volumes":null}}"""), POD);

    assertThat(pruned.getJsonObject("spec").getJsonArray("containers").getJsonObject(0)
        .getJsonArray("command").getString(0)).isEmpty();
    assertThat(pruned.getJsonObject("spec").containsKey("volumes")).isFalse();
  }

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }

  @Test
  void fieldsWhoseJsonNamesJavaCannotSpellAreKnown() {
    Class<?> limitRange = ModelClasses.of("", "LimitRange").orElseThrow();
    Class<?> node = ModelClasses.of("", "Node").orElseThrow();

    assertThat(UnknownFields.of(json("""
        {"spec":{"limits":[{"type":"Container","default":{"cpu":"500m"},
          "defaultRequest":{"cpu":"250m"}}]}}"""), limitRange)).isEmpty();
    assertThat(UnknownFields.of(json("""
        {"status":{"daemonEndpoints":{"kubeletEndpoint":{"Port":10250}}}}"""), node)).isEmpty();
    assertThat(UnknownFields.of(json("""
        {"spec":{"limits":[{"_default":{}}]}}"""), limitRange)).containsExactly("spec.limits[0]._default");
  }
}
