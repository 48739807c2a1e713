package dev.capstan.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.jsonp.Json;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The cases of Kubernetes' replica_calculator_test.go that shape the CPU and memory paths. */
class ReplicaCalculatorTest {

  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  /** Started long ago and ready ever since: past the CPU initialisation period. */
  private static final Instant LONG_AGO = NOW.minus(Duration.ofMinutes(10));
  private static final Duration WINDOW = Duration.ofSeconds(10);

  @ParameterizedTest(name = "{0} pods at {1}m of 1000m requested, target {2}% -> {3}")
  @CsvSource({
      // ceil(3 x 0.9 / 0.3 ... ) as Kubernetes' scale-up and scale-down cases
      "3, 900, 30, 9",
      "3, 300, 50, 2",
      "1, 1000, 50, 2",
      // within the tolerance (|1 - ratio| <= 0.1): no change
      "3, 540, 50, 3",
      "3, 460, 50, 3",
      // just beyond it
      "3, 560, 50, 4",
      "4, 100, 50, 1"})
  void scalesToCeilOfReadyPodsTimesRatio(int pods, long usage, int target, int expected)
      throws Exception {
    List<JsonObject> list = new ArrayList<>();
    Map<String, PodMetric> metrics = new HashMap<>();
    for (int i = 0; i < pods; i++) {
      list.add(pod("p" + i, "Running", true, LONG_AGO, "1"));
      metrics.put("p" + i, metric(usage, NOW));
    }
    var proposal = ReplicaCalculator.utilization(pods, target, "cpu", list, metrics, NOW);
    assertThat(proposal.replicas()).isEqualTo(expected);
    assertThat(proposal.utilization()).isEqualTo((int) (usage * 100 / 1000));
    assertThat(proposal.rawAverage()).isEqualTo(usage);
  }

  @Test
  void unreadyPodsCountAsIdleOnAScaleUp() throws Exception {
    // as Kubernetes' TestReplicaCalcScaleUpUnreadyLessScale: one of three pods not ready
    List<JsonObject> pods = List.of(pod("a", "Running", false, LONG_AGO, "1"),
        pod("b", "Running", true, LONG_AGO, "1"), pod("c", "Running", true, LONG_AGO, "1"));
    Map<String, PodMetric> metrics = new HashMap<>(Map.of("a", metric(300, NOW),
        "b", metric(500, NOW), "c", metric(700, NOW)));
    var proposal = ReplicaCalculator.utilization(3, 30, "cpu", pods, metrics, NOW);
    // ready: (500 + 700) / 2000 = 60% -> ratio 2; with a at 0: 1200 / 3000 = 40% -> ratio 1.33
    assertThat(proposal.utilization()).isEqualTo(60);
    assertThat(proposal.replicas()).isEqualTo(4);
  }

  @Test
  void podsReadyTooRecentlyForAFullWindowAreUnready() throws Exception {
    // started 1 min ago, ready 5 s before the sample: within the initialisation period the
    // sample must be a full window after the transition
    Instant started = NOW.minusSeconds(60);
    JsonObject fresh = pod("fresh", "Running", true, started, "1", NOW.minusSeconds(8));
    JsonObject old = pod("old", "Running", true, LONG_AGO, "1");
    Map<String, PodMetric> metrics = new HashMap<>(Map.of("fresh", metric(1000, NOW.minusSeconds(3)),
        "old", metric(1000, NOW)));
    var proposal = ReplicaCalculator.utilization(2, 50, "cpu", List.of(fresh, old), metrics, NOW);
    // only "old" counts: 100% of 50% -> ratio 2; fresh at 0: 1000/2000 = 50% -> ratio 1.0,
    // within the tolerance: stays at 2
    assertThat(proposal.replicas()).isEqualTo(2);
    assertThat(proposal.utilization()).isEqualTo(100);
  }

  @Test
  void pendingPodsAreUnreadyAndIgnoredWhenScalingDown() throws Exception {
    List<JsonObject> pods = List.of(pod("a", "Running", true, LONG_AGO, "1"),
        pod("b", "Running", true, LONG_AGO, "1"), pod("c", "Pending", false, null, "1"));
    Map<String, PodMetric> metrics = new HashMap<>(Map.of("a", metric(100, NOW),
        "b", metric(100, NOW)));
    var proposal = ReplicaCalculator.utilization(3, 50, "cpu", pods, metrics, NOW);
    // 10% of 50%: ratio 0.2 over the 2 ready pods -> ceil(0.4) = 1
    assertThat(proposal.replicas()).isEqualTo(1);
  }

  @Test
  void missingMetricsCountAsFullOnAScaleDownAndIdleOnAScaleUp() throws Exception {
    List<JsonObject> pods = List.of(pod("a", "Running", true, LONG_AGO, "1"),
        pod("b", "Running", true, LONG_AGO, "1"), pod("c", "Running", true, LONG_AGO, "1"));
    // scale down: a and b at 10%, c missing counted at 100%: (100+100+1000)/3000 = 40% of 50%
    // -> 0.8, ceil(0.8 x 3) = 3: no change (Kubernetes' TestReplicaCalcMissingMetrics...)
    var down = ReplicaCalculator.utilization(3, 50, "cpu", pods,
        new HashMap<>(Map.of("a", metric(100, NOW), "b", metric(100, NOW))), NOW);
    assertThat(down.replicas()).isEqualTo(3);
    // scale up: a and b at 100%, c missing counted at 0: 2000/3000 = 66% of 50% -> 1.32 ->
    // ceil(1.32 x 3) = 4
    var up = ReplicaCalculator.utilization(3, 50, "cpu", pods,
        new HashMap<>(Map.of("a", metric(1000, NOW), "b", metric(1000, NOW))), NOW);
    assertThat(up.replicas()).isEqualTo(4);
  }

  @Test
  void deletedAndFailedPodsAreIgnored() throws Exception {
    JsonObject deleted = Json.createObjectBuilder(pod("d", "Running", true, LONG_AGO, "1"))
        .add("metadata", Json.createObjectBuilder().add("name", "d")
            .add("deletionTimestamp", NOW.toString())).build();
    List<JsonObject> pods = List.of(pod("a", "Running", true, LONG_AGO, "1"), deleted,
        pod("f", "Failed", false, LONG_AGO, "1"));
    var proposal = ReplicaCalculator.utilization(1, 50, "cpu", pods, new HashMap<>(Map.of(
        "a", metric(1000, NOW), "d", metric(0, NOW), "f", metric(0, NOW))), NOW);
    assertThat(proposal.replicas()).isEqualTo(2);
  }

  @Test
  void aContainerWithoutARequestIsAnError() {
    List<JsonObject> pods = List.of(pod("a", "Running", true, LONG_AGO, null));
    assertThatThrownBy(() -> ReplicaCalculator.utilization(1, 50, "cpu", pods,
        new HashMap<>(Map.of("a", metric(100, NOW))), NOW))
        .hasMessage("missing request for cpu in container app of Pod a");
  }

  @Test
  void noUsableMetricsIsAnError() {
    List<JsonObject> pods = List.of(pod("a", "Pending", false, null, "1"));
    assertThatThrownBy(() -> ReplicaCalculator.utilization(1, 50, "cpu", pods,
        new HashMap<>(), NOW))
        .hasMessage("did not receive metrics for targeted pods (pods might be unready)");
    assertThatThrownBy(() -> ReplicaCalculator.utilization(1, 50, "cpu", List.of(),
        new HashMap<>(), NOW))
        .hasMessage("no pods returned by selector while calculating replica count");
    assertThatThrownBy(() -> PodMetric.of(List.of(), "cpu"))
        .hasMessage("no metrics returned from resource metrics API");
  }

  @Test
  void averageValueTargetsUseTheRawUsage() throws Exception {
    // memory: 3 pods using 200Mi, 200Mi, 100Mi against 100Mi: average 166Mi -> ceil(1.66 x 3) = 5
    long mi = 1024L * 1024 * 1000;
    List<JsonObject> pods = List.of(pod("a", "Running", true, LONG_AGO, "1"),
        pod("b", "Running", true, LONG_AGO, "1"), pod("c", "Running", true, LONG_AGO, "1"));
    var proposal = ReplicaCalculator.averageValue(3, 100 * mi, "memory", pods,
        new HashMap<>(Map.of("a", metric(200 * mi, NOW), "b", metric(200 * mi, NOW),
            "c", metric(100 * mi, NOW))), NOW);
    assertThat(proposal.replicas()).isEqualTo(5);
    assertThat(MetricsReplicas.milli(proposal.average())).isEqualTo("174762666666m");
    // memory does not care about readiness
    var unready = ReplicaCalculator.averageValue(1, 100 * mi, "memory",
        List.of(pod("a", "Running", false, LONG_AGO, "1")),
        new HashMap<>(Map.of("a", metric(300 * mi, NOW))), NOW);
    assertThat(unready.replicas()).isEqualTo(3);
  }

  @Test
  void podMetricsSumTheContainersAndSkipPodsMissingTheResource() throws Exception {
    JsonObject two = Json.createObjectBuilder()
        .add("metadata", Json.createObjectBuilder().add("name", "two"))
        .add("timestamp", "2026-12-07T12:00:00Z").add("window", "10s")
        .add("containers", Json.createArrayBuilder()
            .add(Json.createObjectBuilder().add("name", "a").add("usage",
                Json.createObjectBuilder().add("cpu", "250m").add("memory", "10Mi")))
            .add(Json.createObjectBuilder().add("name", "b").add("usage",
                Json.createObjectBuilder().add("cpu", "1500000n").add("memory", "1Mi"))))
        .build();
    JsonObject none = Json.createObjectBuilder()
        .add("metadata", Json.createObjectBuilder().add("name", "none"))
        .add("timestamp", "2026-12-07T12:00:00Z").add("window", "1m0s")
        .add("containers", Json.createArrayBuilder()).build();
    Map<String, PodMetric> metrics = PodMetric.of(List.of(two, none), "cpu");
    assertThat(metrics).containsOnlyKeys("two");
    assertThat(metrics.get("two").milliValue()).isEqualTo(252);
    assertThat(metrics.get("two").window()).isEqualTo(WINDOW);
    assertThat(PodMetric.duration("1m30s")).isEqualTo(Duration.ofSeconds(90));
  }

  private static PodMetric metric(long milli, Instant at) {
    return new PodMetric(milli, at, WINDOW);
  }

  private static JsonObject pod(String name, String phase, boolean ready, Instant started,
      String cpuRequest) {
    return pod(name, phase, ready, started, cpuRequest, started);
  }

  private static JsonObject pod(String name, String phase, boolean ready, Instant started,
      String cpuRequest, Instant readySince) {
    var resources = Json.createObjectBuilder();
    if (cpuRequest != null) {
      resources.add("requests", Json.createObjectBuilder().add("cpu", cpuRequest)
          .add("memory", "100Mi"));
    }
    var status = Json.createObjectBuilder().add("phase", phase);
    if (started != null) {
      status.add("startTime", started.toString()).add("conditions", Json.createArrayBuilder()
          .add(Json.createObjectBuilder().add("type", "Ready")
              .add("status", ready ? "True" : "False")
              .add("lastTransitionTime", readySince.toString())));
    }
    return Json.createObjectBuilder()
        .add("metadata", Json.createObjectBuilder().add("name", name))
        .add("spec", Json.createObjectBuilder().add("containers", Json.createArrayBuilder()
            .add(Json.createObjectBuilder().add("name", "app").add("resources", resources))))
        .add("status", status)
        .build();
  }
}
