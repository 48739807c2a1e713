package dev.capstan.nodes;

import static dev.capstan.nodes.TaintEvictionTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeLifecycleDecisionsTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:10:00Z");
  private static final Duration GRACE = Duration.ofSeconds(40);

  @ParameterizedTest(name = "lease {0}, heartbeat {1}, created {2}: heard {3}")
  @CsvSource({
      "2026-01-01T00:09:59Z, 2026-01-01T00:00:00Z, 2026-01-01T00:00:00Z, true",
      "none, 2026-01-01T00:09:30Z, 2026-01-01T00:00:00Z, true",
      "2026-01-01T00:09:00Z, 2026-01-01T00:09:10Z, 2026-01-01T00:00:00Z, false",
      "none, none, 2026-01-01T00:09:50Z, true",
      "none, none, 2026-01-01T00:00:00Z, false",
      "2026-01-01T00:09:20Z, none, 2026-01-01T00:00:00Z, false"})
  void aNodeIsHeardFromWhenItsLatestSignIsWithinTheGracePeriod(String lease, String heartbeat,
      String created, boolean heard) {
    JsonObject node = json("""
        {"metadata":{"name":"n","creationTimestamp":"%s"},
         "status":{"conditions":[{"type":"Ready","status":"True"%s}]}}""".formatted(created,
        heartbeat.equals("none") ? "" : ",\"lastHeartbeatTime\":\"" + heartbeat + "\""));
    Optional<Instant> renewed = lease.equals("none") ? Optional.empty()
        : Optional.of(Instant.parse(lease));

    assertThat(NodeHealth.heard(node, renewed, NOW, GRACE)).isEqualTo(heard);
    assertThat(NodeHealth.ready(node, renewed, NOW, GRACE)).isEqualTo(heard);
  }

  @Test
  void aSilentNodesConditionsBecomeUnknownOnce() {
    JsonObject node = json("""
        {"status":{"conditions":[
          {"type":"Ready","status":"True","reason":"KubeletReady",
           "lastHeartbeatTime":"2026-01-01T00:09:00Z","lastTransitionTime":"2026-01-01T00:00:00Z"},
          {"type":"MemoryPressure","status":"False","reason":"KubeletHasSufficientMemory"}]}}""");

    JsonObject unknown = NodeConditions.unknown(node, NOW);

    JsonObject ready = NodeHealth.condition(unknown, "Ready").orElseThrow();
    assertThat(ready.getString("status")).isEqualTo("Unknown");
    assertThat(ready.getString("reason")).isEqualTo("NodeStatusUnknown");
    assertThat(ready.getString("message")).isEqualTo("Kubelet stopped posting node status.");
    assertThat(ready.getString("lastHeartbeatTime")).isEqualTo("2026-01-01T00:09:00Z");
    assertThat(ready.getString("lastTransitionTime")).isEqualTo("2026-01-01T00:10:00Z");
    assertThat(NodeHealth.condition(unknown, "MemoryPressure").orElseThrow().getString("status"))
        .isEqualTo("Unknown");
    assertThat(NodeHealth.condition(unknown, "PIDPressure").orElseThrow().getString("reason"))
        .isEqualTo("NodeStatusNeverUpdated");
    assertThat(NodeConditions.unknown(unknown, NOW.plusSeconds(5))).isSameAs(unknown);
  }

  @ParameterizedTest(name = "Ready {0}, unschedulable {1}: {2}")
  @CsvSource(delimiter = '|', value = {
      "True | false | other:NoSchedule",
      "Unknown | false | other:NoSchedule node.kubernetes.io/unreachable:NoSchedule"
          + " node.kubernetes.io/unreachable:NoExecute",
      "False | false | other:NoSchedule node.kubernetes.io/not-ready:NoSchedule"
          + " node.kubernetes.io/not-ready:NoExecute",
      "True | true | other:NoSchedule node.kubernetes.io/unschedulable:NoSchedule"})
  void taintsFollowTheReadyConditionAndCordoning(String ready, boolean unschedulable,
      String taints) {
    JsonObject node = json("""
        {"spec":{"unschedulable":%s,"taints":[{"key":"other","effect":"NoSchedule"},
           {"key":"node.kubernetes.io/not-ready","effect":"NoExecute"}]},
         "status":{"conditions":[{"type":"Ready","status":"%s"}]}}"""
        .formatted(unschedulable, ready));

    List<JsonObject> desired = NodeTaints.desired(node, NOW);

    assertThat(String.join(" ", desired.stream()
        .map(t -> t.getString("key") + ":" + t.getString("effect")).toList())).isEqualTo(taints);
    assertThat(NodeTaints.upToDate(NodeTaints.withTaints(node, desired), NOW.plusSeconds(9)))
        .isTrue();
  }

  @Test
  void pressureConditionsTaintTheNodeNoScheduleWhileTheyHold() {
    JsonObject node = json("""
        {"spec":{"taints":[{"key":"node.kubernetes.io/disk-pressure","effect":"NoSchedule"}]},
         "status":{"conditions":[{"type":"Ready","status":"True"},
           {"type":"MemoryPressure","status":"True"},{"type":"DiskPressure","status":"False"},
           {"type":"PIDPressure","status":"False"}]}}""");

    List<JsonObject> desired = NodeTaints.desired(node, NOW);

    assertThat(desired).extracting(t -> t.getString("key") + ":" + t.getString("effect"))
        .containsExactly("node.kubernetes.io/memory-pressure:NoSchedule");
    assertThat(NodeTaints.upToDate(node, NOW)).isFalse();
    assertThat(NodeTaints.upToDate(NodeTaints.withTaints(node, desired), NOW)).isTrue();
  }

  @Test
  void theNoExecuteTaintRemembersWhenItWasAdded() {
    JsonObject node = json("""
        {"status":{"conditions":[{"type":"Ready","status":"Unknown"}]}}""");

    JsonObject tainted = NodeTaints.withTaints(node, NodeTaints.desired(node, NOW));

    assertThat(NodeTaints.noExecute(tainted)).singleElement()
        .satisfies(t -> assertThat(t.getString("timeAdded")).isEqualTo("2026-01-01T00:10:00Z"));
    assertThat(NodeTaints.desired(tainted, NOW.plusSeconds(30)))
        .isEqualTo(NodeTaints.desired(tainted, NOW));
  }

  @Test
  void podsOfANodeThatIsNotReadyAreNotReady() {
    JsonObject pod = json("""
        {"status":{"phase":"Running","conditions":[
          {"type":"PodScheduled","status":"True"},{"type":"Ready","status":"True"}]}}""");

    JsonObject marked = PodReadiness.notReady(pod, NOW);

    assertThat(PodReadiness.ready(marked)).isFalse();
    assertThat(marked.getJsonObject("status").getJsonArray("conditions").getJsonObject(1)
        .getString("lastTransitionTime")).isEqualTo("2026-01-01T00:10:00Z");
    assertThat(PodReadiness.notReady(marked, NOW.plusSeconds(1))).isSameAs(marked);
  }
}
