package dev.capstan.disruption;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DisruptionBudgetsTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:10:00Z");

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "minAvailable 2 of 3 ready | {\"minAvailable\":2} | 3 | 0 | 3 | 3 | 2 | 1",
      "minAvailable 50% of a scale of 4 | {\"minAvailable\":\"50%\"} | 4 | 0 | 4 | 4 | 2 | 2",
      "maxUnavailable 1 of a scale of 3 | {\"maxUnavailable\":1} | 3 | 0 | 3 | 3 | 2 | 1",
      "maxUnavailable 34% rounds up | {\"maxUnavailable\":\"34%\"} | 3 | 0 | 3 | 3 | 1 | 2",
      "unready pods are not healthy | {\"minAvailable\":2} | 1 | 2 | 3 | 1 | 2 | 0",
      "neither field: at least one | {} | 2 | 0 | 2 | 2 | 1 | 1",
      "more wanted than there are | {\"minAvailable\":5} | 3 | 0 | 3 | 3 | 5 | 0"})
  void theBudgetAllowsWhatItsHealthyPodsSpare(String behaviour, String spec, int ready,
      int unready, int scale, int healthy, int desired, int allowed) {
    JsonObject budget = json("{\"metadata\":{\"name\":\"b\",\"generation\":1},\"spec\":"
        + spec.replace("}", ",\"selector\":{}}").replace("{,", "{") + "}");
    List<JsonObject> pods = new ArrayList<>();
    for (int i = 0; i < ready + unready; i++) {
      pods.add(pod("p" + i, i < ready, false));
    }

    JsonObject status = DisruptionBudgets.status(budget, pods, scale, NOW);

    assertThat(status.getInt("currentHealthy")).as(behaviour).isEqualTo(healthy);
    assertThat(status.getInt("desiredHealthy")).as(behaviour).isEqualTo(desired);
    assertThat(status.getInt("disruptionsAllowed")).as(behaviour).isEqualTo(allowed);
    assertThat(status.getJsonArray("conditions").getJsonObject(0).getString("reason"))
        .isEqualTo(allowed > 0 ? "SufficientPods" : "InsufficientPods");
  }

  @Test
  void anEvictedPodCountsAgainstTheBudgetUntilItIsBeingDeleted() {
    JsonObject budget = json("""
        {"metadata":{"name":"b","generation":1},"spec":{"minAvailable":1,"selector":{}},
         "status":{"observedGeneration":1,"disruptionsAllowed":1,"currentHealthy":2,
          "desiredHealthy":1}}""");
    JsonObject evicted = DisruptionBudgets.withEviction(budget, "p0", NOW);
    assertThat(evicted.getJsonObject("status").getInt("disruptionsAllowed")).isZero();

    JsonObject status = DisruptionBudgets.status(evicted,
        List.of(pod("p0", true, false), pod("p1", true, false)), 2, NOW.plusSeconds(1));
    assertThat(status.getInt("currentHealthy")).isEqualTo(1);
    assertThat(status.getInt("disruptionsAllowed")).isZero();
    assertThat(status.getJsonObject("disruptedPods").keySet()).containsExactly("p0");

    JsonObject deleting = DisruptionBudgets.status(evicted,
        List.of(pod("p0", true, true), pod("p1", true, false)), 2, NOW.plusSeconds(2));
    assertThat(deleting.containsKey("disruptedPods")).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "allowed | 1 | 2 | 1 | 1 | true | ''",
      "none allowed | 0 | 1 | 1 | 1 | true | The disruption budget b needs 1 healthy pods and has 1 currently",
      "an unready pod may go while the budget is met | 0 | 1 | 1 | 1 | false | ''",
      "not yet processed | 1 | 2 | 1 | 0 | true | The disruption budget b is still being processed by the server."})
  void evictionsAreRefusedAsKubernetesRefusesThem(String behaviour, int allowed, int healthy,
      int desired, int observed, boolean ready, String refusal) {
    JsonObject budget = json("""
        {"metadata":{"name":"b","generation":1},"spec":{"minAvailable":1,"selector":{}},
         "status":{"observedGeneration":%d,"disruptionsAllowed":%d,"currentHealthy":%d,
          "desiredHealthy":%d}}""".formatted(observed, allowed, healthy, desired));

    assertThat(DisruptionBudgets.refusal(budget, pod("p", ready, false)).orElse(""))
        .as(behaviour).isEqualTo(refusal);
  }

  @Test
  void theBudgetIsLookedAtAgainWhenItsEarliestRecordedEvictionStopsCounting() {
    JsonObject status = json("""
        {"disruptedPods":{"a":"2026-01-01T00:09:30Z","b":"2026-01-01T00:08:45Z"}}""");
    assertThat(DisruptionBudgets.nextExpiry(status))
        .contains(Instant.parse("2026-01-01T00:10:45Z"));
    assertThat(DisruptionBudgets.nextExpiry(json("{}"))).isEmpty();
  }

  @Test
  void theSelectorDecidesWhichPodsABudgetGuards() {
    JsonObject web = json("{\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}}");
    assertThat(DisruptionBudgets.selects(web, pod("p", true, false))).isTrue();
    assertThat(DisruptionBudgets.selects(json("{\"spec\":{\"selector\":{\"matchLabels\":"
        + "{\"app\":\"db\"}}}}"), pod("p", true, false))).isFalse();
    assertThat(DisruptionBudgets.selects(json("{\"spec\":{}}"), pod("p", true, false)))
        .isFalse();
  }

  private static JsonObject pod(String name, boolean ready, boolean deleting) {
    return json("""
        {"metadata":{"name":"%s","labels":{"app":"web"}%s},
         "status":{"phase":"Running","conditions":[{"type":"Ready","status":"%s"}]}}"""
        .formatted(name, deleting ? ",\"deletionTimestamp\":\"2026-01-01T00:10:30Z\"" : "",
            ready ? "True" : "False"));
  }

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }
}
