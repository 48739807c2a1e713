package dev.capstan.api.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.api.status.ApiException;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
  void aBinaryScalarIsTheTextOfItsBytesAsGoYamlDecodesIt() {
    JsonObject data = YamlBodies.decode("""
        data: {greeting: !!binary aGVsbG8=, broken: !!binary /w==}
        """).asJsonObject().getJsonObject("data");

    assertThat(data.getString("greeting")).isEqualTo("hello");
    assertThat(data.getString("broken")).isEqualTo("\uFFFD");
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

  @ParameterizedTest
  @CsvSource({".nan, NaN", ".inf, +Inf", "-.inf, -Inf"})
  void floatsJsonCannotHoldAreRefusedAsKubernetesRefusesThem(String yaml, String value) {
    assertThatThrownBy(() -> YamlBodies.decode("spec:\n  replicas: " + yaml + "\n"))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.getMessage()).isEqualTo("json: unsupported value: " + value);
        });
  }

  @Test
  void anEscapeOfHalfAUtf16PairIsRefusedAsGosScannerRefusesIt() {
    assertThatThrownBy(() -> YamlBodies.decode("kind: ConfigMap\ndata:\n  a: \"x\\ud800\"\n"))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.status().getString("message"))
              .isEqualTo("yaml: line 3: found invalid Unicode character escape code");
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

  @Test
  void aThousandNestedFlowMappingsWithinTheDepthLimitAreReadOnASmallStack() throws Exception {
    // fuzz seed b26d0e3d1eb04175: SnakeYAML's recursive composer overflowed a request thread's
    // stack here (on this 512 KB stack it did at 990 levels); events with a stack of our own do not
    String deep = "data: " + "{a: ".repeat(998) + "1" + "}".repeat(998) + "\n";
    java.util.concurrent.atomic.AtomicReference<Object> result =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread thread = new Thread(null, () -> {
      try {
        result.set(YamlBodies.decode(deep));
      } catch (Throwable e) {
        result.set(e);
      }
    }, "small-stack", 512 * 1024);
    thread.start();
    thread.join();

    assertThat(result.get()).isInstanceOf(JsonObject.class);
    JsonObject level = ((JsonObject) result.get()).getJsonObject("data");
    for (int i = 1; i < 998; i++) {
      level = level.getJsonObject("a");
    }
    assertThat(level.getInt("a")).isEqualTo(1);
  }

  @Test
  void deeperThanTheLimitIsRefusedAsGoYamlRefusesIt() {
    String deep = "data: " + "[".repeat(1001) + "]".repeat(1001) + "\n";

    assertThatThrownBy(() -> YamlBodies.decode(deep))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.getMessage()).isEqualTo("yaml: exceeded max depth of 1000");
        });
  }

  @Test
  void anAliasInsideItsOwnAnchorIsRefused() {
    // fuzz seed d8d6044e61c1b6d2
    assertThatThrownBy(() -> YamlBodies.decode("data: &a {x: *a}\n"))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.getMessage()).isEqualTo("yaml: anchor 'a' value contains itself");
        });
  }

  @Test
  void anAliasIsItsAnchorsValueAgain() {
    JsonObject object = YamlBodies.decode("""
        labels: &l {app: web, tier: front}
        selector: *l
        ports: [&p 80, *p]
        """).asJsonObject();

    assertThat(object.getJsonObject("selector")).isEqualTo(object.getJsonObject("labels"));
    assertThat(object.getJsonArray("ports").getInt(1)).isEqualTo(80);
  }

  @Test
  void anUndefinedAliasAScalarTheTagCannotReadAndACollectionOfAnotherTagAreBadRequests() {
    assertThatThrownBy(() -> YamlBodies.decode("data: *nothing\n"))
        .isInstanceOfSatisfying(ApiException.class,
            e -> assertThat(e.getMessage()).isEqualTo("yaml: line 1: found undefined alias nothing"));
    assertThatThrownBy(() -> YamlBodies.decode("spec:\n  replicas: !!int x\n"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400));
    assertThatThrownBy(() -> YamlBodies.decode("data: !!set {a, b}\n"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage())
            .isEqualTo("yaml: line 1: could not determine a constructor for the tag"
                + " tag:yaml.org,2002:set"));
  }

  @Test
  void aKeyThatIsNotAStringIsRefusedNamingWhereItIs() {
    assertThatThrownBy(() -> YamlBodies.decode("data:\n  1: x\n"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage())
            .isEqualTo("yaml: data: a key is not a string: 1"));
  }

  @Test
  void emptyBodiesAreRefused() {
    for (String body : new String[] {"", "# only a comment\n"}) {
      assertThatThrownBy(() -> YamlBodies.decode(body))
          .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage())
              .isEqualTo("the request body is empty"));
    }
  }
}
