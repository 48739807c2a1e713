package dev.capstan.controllers;

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

class DaemonSetPlanTest {

  private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      // what | template spec fields | node labels | node spec | should run
      "a plain node|\"x\":1|{}|{}|true",
      "nodeSelector matches|\"nodeSelector\":{\"disk\":\"ssd\"}|{\"disk\":\"ssd\"}|{}|true",
      "nodeSelector does not match|\"nodeSelector\":{\"disk\":\"ssd\"}|{\"disk\":\"hdd\"}|{}|false",
      "required affinity matches|\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":\"zone\",\"operator\":\"In\",\"values\":[\"a\"]}]}]}}}|{\"zone\":\"a\"}|{}|true",
      "required affinity does not match|\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":\"zone\",\"operator\":\"In\",\"values\":[\"a\"]}]}]}}}|{\"zone\":\"b\"}|{}|false",
      "untolerated NoSchedule taint|\"x\":1|{}|{\"taints\":[{\"key\":\"dedicated\",\"effect\":\"NoSchedule\"}]}|false",
      "tolerated taint|\"tolerations\":[{\"key\":\"dedicated\",\"operator\":\"Exists\"}]|{}|{\"taints\":[{\"key\":\"dedicated\",\"effect\":\"NoSchedule\"}]}|true",
      "PreferNoSchedule does not keep it away|\"x\":1|{}|{\"taints\":[{\"key\":\"dedicated\",\"effect\":\"PreferNoSchedule\"}]}|true",
      "a cordoned node (daemon pods tolerate it)|\"x\":1|{}|{\"unschedulable\":true,\"taints\":[{\"key\":\"node.kubernetes.io/unschedulable\",\"effect\":\"NoSchedule\"}]}|true",
      "a not-ready node (daemon pods tolerate it)|\"x\":1|{}|{\"taints\":[{\"key\":\"node.kubernetes.io/not-ready\",\"effect\":\"NoExecute\"}]}|true",
      "disk pressure (daemon pods tolerate it)|\"x\":1|{}|{\"taints\":[{\"key\":\"node.kubernetes.io/disk-pressure\",\"effect\":\"NoSchedule\"}]}|true"})
  void nodesEligibleForTheDaemonPod(String what, String templateSpec, String labels,
      String nodeSpec, boolean shouldRun) {
    JsonObject ds = daemonSet(templateSpec, "{}");
    JsonObject node = parse("{\"metadata\":{\"name\":\"n1\",\"labels\":" + labels
        + "},\"spec\":" + nodeSpec + "}");

    DaemonSetPlan.Actions actions = DaemonSetPlan.plan(ds, List.of(node), List.of(), NOW);

    assertThat(actions.createOn()).as(what).isEqualTo(shouldRun ? List.of("n1") : List.of());
    assertThat(actions.status().getInt("desiredNumberScheduled")).as(what)
        .isEqualTo(shouldRun ? 1 : 0);
  }

  @Test
  void aDaemonPodIsPinnedToItsNodeAndToleratesWhatDaemonsTolerate() {
    JsonObject spec = DaemonSetPlan.daemonPodSpec(parse("""
        {"tolerations":[{"key":"mine","operator":"Exists"}],
         "containers":[{"name":"c","image":"x"}]}"""), "n7");

    assertThat(spec.getJsonObject("affinity").toString()).isEqualTo(
        "{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":{"
            + "\"nodeSelectorTerms\":[{\"matchFields\":[{\"key\":\"metadata.name\","
            + "\"operator\":\"In\",\"values\":[\"n7\"]}]}]}}}");
    assertThat(spec.getJsonArray("tolerations").getValuesAs(JsonObject.class))
        .extracting(t -> t.getString("key"))
        .containsExactly("mine", "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable",
            "node.kubernetes.io/disk-pressure", "node.kubernetes.io/memory-pressure",
            "node.kubernetes.io/pid-pressure", "node.kubernetes.io/unschedulable");
    assertThat(DaemonSetPlan.targetNode(parse("{\"spec\":" + spec + "}"))).isEqualTo("n7");
  }

  @Test
  void podsFollowTheNodesAddedRemovedAndRelabelled() {
    JsonObject ds = daemonSet("\"nodeSelector\":{\"role\":\"edge\"}", "{}");
    String hash = DeploymentController.templateHash(ds.getJsonObject("spec")
        .getJsonObject("template"));
    List<JsonObject> nodes = List.of(node("kept", "edge"), node("new", "edge"),
        node("relabelled", "core"));
    List<JsonObject> pods = List.of(pod("p-kept", "kept", hash, true),
        pod("p-relabelled", "relabelled", hash, true), pod("p-gone", "gone", hash, true));

    DaemonSetPlan.Actions actions = DaemonSetPlan.plan(ds, nodes, pods, NOW);

    assertThat(actions.createOn()).containsExactly("new");
    assertThat(actions.delete()).extracting(DaemonSetPlanTest::name)
        .containsExactly("p-relabelled");
    assertThat(actions.forceDelete()).extracting(DaemonSetPlanTest::name)
        .containsExactly("p-gone");
    JsonObject status = actions.status();
    assertThat(status.getInt("desiredNumberScheduled")).isEqualTo(2);
    assertThat(status.getInt("currentNumberScheduled")).isEqualTo(1);
    assertThat(status.getInt("numberMisscheduled")).isEqualTo(1);
    assertThat(status.getInt("numberReady")).isEqualTo(1);
    assertThat(status.getInt("numberAvailable")).isEqualTo(1);
    assertThat(status.getInt("numberUnavailable")).isEqualTo(1);
    assertThat(status.getInt("updatedNumberScheduled")).isEqualTo(1);
  }

  @Test
  void failedAndSurplusPodsGoAndATerminatingPodIsWaitedFor() {
    JsonObject ds = daemonSet("\"x\":1", "{}");
    String hash = DeploymentController.templateHash(ds.getJsonObject("spec")
        .getJsonObject("template"));
    JsonObject failed = withPhase(pod("p-failed", "a", hash, false), "Failed");
    JsonObject first = pod("p-first", "b", hash, true);
    JsonObject second = pod("p-second", "b", hash, true);
    JsonObject terminating = parse(pod("p-old", "c", hash, true).toString()
        .replace("\"metadata\":{", "\"metadata\":{\"deletionTimestamp\":\"2026-11-30T10:00:00Z\","));

    DaemonSetPlan.Actions actions = DaemonSetPlan.plan(ds,
        List.of(node("a", ""), node("b", ""), node("c", "")),
        List.of(failed, first, second, terminating), NOW);

    assertThat(actions.delete()).extracting(DaemonSetPlanTest::name)
        .containsExactlyInAnyOrder("p-failed", "p-second");
    assertThat(actions.createOn()).as("c still has its terminating pod").isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      // what | strategy | old pods ready | deleted
      "RollingUpdate, default: one node at a time|{\"type\":\"RollingUpdate\"}|true|1",
      "RollingUpdate, maxUnavailable 2|{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":2}}|true|2",
      "RollingUpdate, maxUnavailable 50%|{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"50%\"}}|true|2",
      "RollingUpdate: unavailable old pods go at once|{\"type\":\"RollingUpdate\"}|false|4",
      "OnDelete: nothing is replaced|{\"type\":\"OnDelete\"}|true|0"})
  void oldPodsAreReplacedAsTheUpdateStrategySays(String what, String strategy,
      boolean ready, int deleted) {
    JsonObject ds = daemonSet("\"x\":2", strategy);
    List<JsonObject> nodes = new ArrayList<>();
    List<JsonObject> pods = new ArrayList<>();
    for (String node : List.of("a", "b", "c", "d")) {
      nodes.add(node(node, ""));
      pods.add(pod("p-" + node, node, "oldhash", ready));
    }

    DaemonSetPlan.Actions actions = DaemonSetPlan.plan(ds, nodes, pods, NOW);

    assertThat(actions.delete()).as(what).hasSize(deleted);
    assertThat(actions.createOn()).as(what).isEmpty();
    assertThat(actions.status().getInt("updatedNumberScheduled")).as(what).isZero();
  }

  @Test
  void availabilityWaitsForMinReadySeconds() {
    JsonObject ds = parse(daemonSet("\"x\":1", "{}").toString()
        .replace("\"spec\":{", "\"spec\":{\"minReadySeconds\":30,"));
    String hash = DeploymentController.templateHash(ds.getJsonObject("spec")
        .getJsonObject("template"));

    DaemonSetPlan.Actions actions = DaemonSetPlan.plan(ds, List.of(node("a", "")),
        List.of(pod("p-a", "a", hash, true)), NOW);

    assertThat(actions.status().getInt("numberReady")).isEqualTo(1);
    assertThat(actions.status().getInt("numberAvailable")).isZero();
    assertThat(actions.recheckAt()).contains(NOW.minusSeconds(10).plusSeconds(30));
  }

  private static JsonObject daemonSet(String templateSpec, String strategy) {
    return parse("""
        {"metadata":{"name":"agent","namespace":"default","uid":"ds1","generation":1},
         "spec":{"selector":{"matchLabels":{"app":"agent"}},"updateStrategy":%s,
          "template":{"metadata":{"labels":{"app":"agent"}},
           "spec":{%s,"containers":[{"name":"c","image":"busybox"}]}}}}"""
        .formatted(strategy, templateSpec));
  }

  private static JsonObject node(String name, String role) {
    return parse("{\"metadata\":{\"name\":\"" + name + "\",\"labels\":{\"role\":\"" + role
        + "\"}},\"spec\":{}}");
  }

  /** A daemon pod on a node, ready since ten seconds before NOW when {@code ready}. */
  private static JsonObject pod(String name, String node, String hash, boolean ready) {
    return parse("""
        {"metadata":{"name":"%s","namespace":"default","uid":"%s",
          "creationTimestamp":"2026-11-30T09:00:00Z",
          "labels":{"app":"agent","controller-revision-hash":"%s"}},
         "spec":{"nodeName":"%s"},
         "status":{"phase":"Running","conditions":[{"type":"Ready","status":"%s",
          "lastTransitionTime":"2026-11-30T09:59:50Z"}]}}"""
        .formatted(name, name, hash, node, ready ? "True" : "False"));
  }

  private static JsonObject withPhase(JsonObject pod, String phase) {
    return parse(pod.toString().replace("\"phase\":\"Running\"", "\"phase\":\"" + phase + "\""));
  }

  private static String name(JsonObject object) {
    return object.getJsonObject("metadata").getString("name");
  }

  private static JsonObject parse(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }
}
