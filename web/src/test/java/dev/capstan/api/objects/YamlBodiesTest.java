package dev.capstan.api.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.api.status.ApiException;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

class YamlBodiesTest {

  @Test
  void referencePodManifestReadsAsItsJson() {
    JsonObject pod = YamlBodies.decode("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: node-js-pod
        spec:
          containers:
          - name: node-js-pod
            image: bitnami/apache:latest
            ports:
            - containerPort: 80
        """).asJsonObject();

    assertThat(pod.getString("kind")).isEqualTo("Pod");
    JsonObject container = pod.getJsonObject("spec").getJsonArray("containers").getJsonObject(0);
    assertThat(container.getString("image")).isEqualTo("bitnami/apache:latest");
    assertThat(container.getJsonArray("ports").getJsonObject(0).getInt("containerPort")).isEqualTo(80);
  }

  @Test
  void quotedNumbersStayStringsAndBooleansAreBooleans() {
    JsonObject object = YamlBodies.decode("""
        data: {port: "8080", enabled: true, ratio: 0.5}
        """).asJsonObject().getJsonObject("data");

    assertThat(object.getString("port")).isEqualTo("8080");
    assertThat(object.getBoolean("enabled")).isTrue();
    assertThat(object.getJsonNumber("ratio").doubleValue()).isEqualTo(0.5);
  }

  @Test
  void malformedYamlIsABadRequestNamingTheLine() {
    assertThatThrownBy(() -> YamlBodies.decode("""
        metadata:
          name: x
         bad: [unclosed
        """))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.getMessage()).startsWith("yaml: line ");
        });
  }

  @Test
  void duplicateKeysAreRefused() {
    assertThatThrownBy(() -> YamlBodies.decode("a: 1\na: 2\n"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400));
  }

  @Test
  void severalDocumentsAreRefused() {
    assertThatThrownBy(() -> YamlBodies.decode("a: 1\n---\nb: 2\n"))
        .isInstanceOfSatisfying(ApiException.class,
            e -> assertThat(e.getMessage()).contains("more than one YAML document"));
  }
}
