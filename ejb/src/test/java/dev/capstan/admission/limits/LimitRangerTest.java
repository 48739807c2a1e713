package dev.capstan.admission.limits;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LimitRangerTest {

  private static final JsonObject LIMITS = LimitRanger.defaulted(json("""
      {"metadata":{"name":"limits"},"spec":{"limits":[
        {"type":"Container","max":{"cpu":"500m","memory":"1Gi"},"min":{"cpu":"50m"},
         "default":{"cpu":"300m"},"maxLimitRequestRatio":{"cpu":"4"}},
        {"type":"Pod","max":{"memory":"1536Mi"}}]}}"""));

  @Test
  void aLimitRangeDefaultsItsDefaultsFromMaxAndMin() {
    JsonObject item = LIMITS.getJsonObject("spec").getJsonArray("limits").getJsonObject(0);

    assertThat(item.getJsonObject("default").toString())
        .isEqualTo("{\"cpu\":\"300m\",\"memory\":\"1Gi\"}");
    assertThat(item.getJsonObject("defaultRequest").toString())
        .isEqualTo("{\"cpu\":\"300m\",\"memory\":\"1Gi\"}");
  }

  @Test
  void containersThatStateNothingGetTheDefaultsAndTheAnnotationSaysSo() {
    JsonObject pod = json("""
        {"metadata":{"name":"p"},"spec":{"containers":[
          {"name":"plain","image":"i"},
          {"name":"stated","image":"i","resources":{"limits":{"cpu":"100m"},
            "requests":{"cpu":"100m"}}}]}}""");

    JsonObject defaulted = LimitRanger.withDefaults(pod, List.of(LIMITS));

    JsonObject plain = container(defaulted, 0).getJsonObject("resources");
    assertThat(plain.getJsonObject("limits").toString())
        .isEqualTo("{\"cpu\":\"300m\",\"memory\":\"1Gi\"}");
    assertThat(plain.getJsonObject("requests").toString())
        .isEqualTo("{\"cpu\":\"300m\",\"memory\":\"1Gi\"}");
    JsonObject stated = container(defaulted, 1).getJsonObject("resources");
    assertThat(stated.getJsonObject("limits").toString())
        .isEqualTo("{\"cpu\":\"100m\",\"memory\":\"1Gi\"}");
    assertThat(defaulted.getJsonObject("metadata").getJsonObject("annotations")
        .getString("kubernetes.io/limit-ranger")).isEqualTo("LimitRanger plugin set:"
        + " cpu, memory request for container plain; cpu, memory limit for container plain;"
        + " memory request for container stated; memory limit for container stated");
    assertThat(LimitRanger.withDefaults(pod, List.of())).isEqualTo(pod);
  }

  static Stream<Arguments> pods() {
    return Stream.of(
        Arguments.of("within every limit", "{\"cpu\":\"200m\",\"memory\":\"512Mi\"}",
            "{\"cpu\":\"100m\",\"memory\":\"512Mi\"}", List.of()),
        Arguments.of("over the container maximum", "{\"cpu\":\"1\",\"memory\":\"512Mi\"}",
            "{\"cpu\":\"300m\",\"memory\":\"512Mi\"}",
            List.of("maximum cpu usage per Container is 500m, but limit is 1")),
        Arguments.of("no limit for a maximum", "{\"cpu\":\"200m\"}",
            "{\"cpu\":\"100m\",\"memory\":\"512Mi\"}",
            List.of("maximum memory usage per Container is 1Gi.  No limit is specified",
                "maximum memory usage per Pod is 1536Mi.  No limit is specified")),
        Arguments.of("under the minimum", "{\"cpu\":\"100m\",\"memory\":\"512Mi\"}",
            "{\"cpu\":\"10m\",\"memory\":\"512Mi\"}",
            List.of("minimum cpu usage per Container is 50m, but request is 10m",
                "cpu max limit to request ratio per Container is 4, but provided ratio is"
                    + " 10.000000")),
        Arguments.of("two containers over the pod maximum", "{\"cpu\":\"200m\",\"memory\":\"1Gi\"}",
            "{\"cpu\":\"100m\",\"memory\":\"1Gi\"}",
            List.of("maximum memory usage per Pod is 1536Mi, but limit is 2Gi")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pods")
  void refusesWhatAPodOrContainerMayNotHave(String title, String limits, String requests,
      List<String> violations) {
    String container = "{\"name\":\"c%d\",\"resources\":{\"limits\":" + limits + ",\"requests\":"
        + requests + "}}";
    String containers = title.startsWith("two") ? container.formatted(1) + "," + container.formatted(2)
        : container.formatted(1);
    JsonObject spec = json("{\"containers\":[" + containers + "]}");

    assertThat(LimitRanger.violations(spec, List.of(LIMITS))).containsExactlyElementsOf(violations);
  }

  private static JsonObject container(JsonObject pod, int index) {
    return pod.getJsonObject("spec").getJsonArray("containers").getJsonObject(index);
  }

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }
}
