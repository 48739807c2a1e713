package dev.capstan.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TaintEvictionTest {

  private static final String UNREACHABLE_EXECUTE = """
      {"key":"node.kubernetes.io/unreachable","effect":"NoExecute",
       "timeAdded":"2026-01-01T00:01:00Z"}""";
  private static final String CUSTOM_EXECUTE = """
      {"key":"dedicated","value":"db","effect":"NoExecute","timeAdded":"2026-01-01T00:02:00Z"}""";

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "no NoExecute taint: stays | [] | [] | never",
      "untolerated: goes at once | [UNREACHABLE] | [] | 1970-01-01T00:00:00Z",
      "tolerated for 10 s after the taint | [UNREACHABLE]"
          + " | [{\"key\":\"node.kubernetes.io/unreachable\",\"operator\":\"Exists\","
          + "\"effect\":\"NoExecute\",\"tolerationSeconds\":10}] | 2026-01-01T00:01:10Z",
      "tolerated forever | [UNREACHABLE]"
          + " | [{\"key\":\"node.kubernetes.io/unreachable\",\"operator\":\"Exists\"}] | never",
      "empty key with Exists tolerates everything | [UNREACHABLE, CUSTOM]"
          + " | [{\"operator\":\"Exists\"}] | never",
      "one of two taints untolerated: goes at once | [UNREACHABLE, CUSTOM]"
          + " | [{\"key\":\"node.kubernetes.io/unreachable\",\"operator\":\"Exists\","
          + "\"tolerationSeconds\":10}] | 1970-01-01T00:00:00Z",
      "the shortest time counts, from the latest taint | [UNREACHABLE, CUSTOM]"
          + " | [{\"key\":\"node.kubernetes.io/unreachable\",\"operator\":\"Exists\","
          + "\"tolerationSeconds\":300},{\"key\":\"dedicated\",\"value\":\"db\","
          + "\"effect\":\"NoExecute\",\"tolerationSeconds\":30}] | 2026-01-01T00:02:30Z",
      "a wrong value does not tolerate | [CUSTOM]"
          + " | [{\"key\":\"dedicated\",\"value\":\"web\",\"effect\":\"NoExecute\"}]"
          + " | 1970-01-01T00:00:00Z",
      "a NoSchedule toleration does not tolerate NoExecute | [UNREACHABLE]"
          + " | [{\"key\":\"node.kubernetes.io/unreachable\",\"operator\":\"Exists\","
          + "\"effect\":\"NoSchedule\"}] | 1970-01-01T00:00:00Z",
      "tolerationSeconds 0 goes at once | [UNREACHABLE]"
          + " | [{\"key\":\"node.kubernetes.io/unreachable\",\"operator\":\"Exists\","
          + "\"tolerationSeconds\":0}] | 2026-01-01T00:01:00Z"})
  void podsGoWhenTheirTolerationsSaySo(String behaviour, String taints, String tolerations,
      String deadline) {
    List<JsonObject> noExecute = json("{\"t\":" + taints.replace("UNREACHABLE", UNREACHABLE_EXECUTE)
        .replace("CUSTOM", CUSTOM_EXECUTE) + "}").getJsonArray("t")
        .getValuesAs(JsonObject.class);
    JsonObject pod = json("{\"spec\":{\"tolerations\":" + tolerations + "}}");

    Optional<Instant> result = TaintEviction.deadline(pod, noExecute);

    assertThat(result.map(Instant::toString).orElse("never")).as(behaviour)
        .isEqualTo(deadline.equals("never") ? "never" : Instant.parse(deadline).toString());
  }

  @ParameterizedTest(name = "scheduled at {0}, deadline {1}")
  @CsvSource({"2026-01-01T00:00:30Z, 2026-01-01T00:01:10Z",
      "2026-01-01T00:05:00Z, 2026-01-01T00:05:10Z"})
  void tolerationSecondsCountFromTheLaterOfTaintAndScheduling(String scheduled, String deadline) {
    JsonObject pod = json("""
        {"spec":{"tolerations":[{"key":"node.kubernetes.io/unreachable","operator":"Exists",
          "effect":"NoExecute","tolerationSeconds":10}]},
         "status":{"conditions":[{"type":"PodScheduled","status":"True",
          "lastTransitionTime":"%s"}]}}""".formatted(scheduled));

    assertThat(TaintEviction.deadline(pod, List.of(json(UNREACHABLE_EXECUTE))))
        .contains(Instant.parse(deadline));
  }

  static JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }
}
