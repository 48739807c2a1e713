package dev.capstan.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatefulSetPlanTest {

  private static final String REV = "web-rev2";

  @Test
  void orderedReadyMakesOnePodAtATimeWaitingForTheOneBefore() {
    JsonObject set = set(3, "OrderedReady", 0);

    assertThat(StatefulSetPlan.plan(set, List.of(), REV).create()).containsExactly(0);
    assertThat(StatefulSetPlan.plan(set, List.of(pod(0, REV, false)), REV).create())
        .as("web-0 not Ready yet").isEmpty();
    assertThat(StatefulSetPlan.plan(set, List.of(pod(0, REV, true)), REV).create())
        .containsExactly(1);
  }

  @Test
  void parallelMakesThemAllAtOnce() {
    assertThat(StatefulSetPlan.plan(set(3, "Parallel", 0), List.of(), REV).create())
        .containsExactly(0, 1, 2);
  }

  @Test
  void scaleDownRemovesTheHighestOrdinalFirstAndOnlyWhenTheRestAreReady() {
    JsonObject set = set(1, "OrderedReady", 0);
    List<JsonObject> pods = new ArrayList<>(List.of(pod(0, REV, true), pod(1, REV, true),
        pod(2, REV, true)));

    assertThat(names(StatefulSetPlan.plan(set, pods, REV).delete())).containsExactly("web-2");
    pods.set(0, pod(0, REV, false));
    assertThat(StatefulSetPlan.plan(set, pods, REV).delete()).as("web-0 unready").isEmpty();
  }

  @Test
  void aRollingUpdateReplacesFromTheTopDownToThePartitionOneAtATime() {
    List<JsonObject> old = List.of(pod(0, "web-rev1", true), pod(1, "web-rev1", true),
        pod(2, "web-rev1", true));

    assertThat(names(StatefulSetPlan.plan(set(3, "OrderedReady", 0), old, REV).delete()))
        .containsExactly("web-2");
    List<JsonObject> partly = List.of(pod(0, "web-rev1", true), pod(1, "web-rev1", true),
        pod(2, REV, true));
    assertThat(names(StatefulSetPlan.plan(set(3, "OrderedReady", 2), partly, REV).delete()))
        .as("partition 2: web-0 and web-1 stay on the old revision").isEmpty();
    assertThat(names(StatefulSetPlan.plan(set(3, "OrderedReady", 1), partly, REV).delete()))
        .containsExactly("web-1");
  }

  @Test
  void theStatusCountsReadyAndUpdatedPodsAndMovesTheCurrentRevisionWhenAllAreUpdated() {
    JsonObject set = Json.createObjectBuilder(set(2, "OrderedReady", 0))
        .add("status", Json.createObjectBuilder().add("currentRevision", "web-rev1")).build();

    JsonObject midway = StatefulSetPlan.plan(set, List.of(pod(0, "web-rev1", true),
        pod(1, REV, false)), REV).status();
    assertThat(midway.getInt("replicas")).isEqualTo(2);
    assertThat(midway.getInt("readyReplicas")).isEqualTo(1);
    assertThat(midway.getInt("updatedReplicas")).isEqualTo(1);
    assertThat(midway.getInt("currentReplicas")).isEqualTo(1);
    assertThat(midway.getString("currentRevision")).isEqualTo("web-rev1");

    JsonObject done = StatefulSetPlan.plan(set, List.of(pod(0, REV, true), pod(1, REV, true)),
        REV).status();
    assertThat(done.getString("currentRevision")).isEqualTo(REV);
    assertThat(done.getInt("currentReplicas")).isEqualTo(2);
  }

  @Test
  void aPodHasAStableHostnameAndItsOwnClaims() {
    JsonObject set = set(3, "OrderedReady", 0);

    JsonObject spec = StatefulSetPlan.podSpec(set, 1);
    assertThat(spec.getString("hostname")).isEqualTo("web-1");
    assertThat(spec.getString("subdomain")).isEqualTo("nginx");
    assertThat(spec.getJsonArray("volumes").getJsonObject(0).toString()).isEqualTo(
        "{\"name\":\"www\",\"persistentVolumeClaim\":{\"claimName\":\"www-web-1\"}}");
    JsonObject claim = StatefulSetPlan.claims(set, 1).get(0);
    assertThat(claim.getJsonObject("metadata").getString("name")).isEqualTo("www-web-1");
    assertThat(claim.getJsonObject("metadata").getJsonObject("labels").getString("app"))
        .isEqualTo("nginx");
    assertThat(claim.getJsonObject("metadata").containsKey("ownerReferences"))
        .as("retained by default").isFalse();
    assertThat(StatefulSetPlan.podLabels(set, 1, REV).toString()).contains(
        "\"controller-revision-hash\":\"web-rev2\"",
        "\"statefulset.kubernetes.io/pod-name\":\"web-1\"", "\"apps.kubernetes.io/pod-index\":\"1\"");
  }

  private static List<String> names(List<JsonObject> pods) {
    return pods.stream().map(p -> p.getJsonObject("metadata").getString("name")).toList();
  }

  private static JsonObject set(int replicas, String policy, int partition) {
    return parse("""
        {"metadata":{"name":"web","namespace":"ns","uid":"s-1","generation":2},
         "spec":{"replicas":%d,"podManagementPolicy":"%s","serviceName":"nginx",
          "selector":{"matchLabels":{"app":"nginx"}},
          "updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":%d}},
          "template":{"metadata":{"labels":{"app":"nginx"}},
           "spec":{"containers":[{"name":"nginx","image":"nginx"}]}},
          "volumeClaimTemplates":[{"metadata":{"name":"www"},
           "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]}}"""
        .formatted(replicas, policy, partition));
  }

  private static JsonObject pod(int ordinal, String revision, boolean ready) {
    return parse("""
        {"metadata":{"name":"web-%d","labels":{"app":"nginx","controller-revision-hash":"%s"}},
         "status":{"phase":"Running","conditions":[{"type":"Ready","status":"%s"}]}}"""
        .formatted(ordinal, revision, ready ? "True" : "False"));
  }

  private static JsonObject parse(String json) {
    return Json.createReader(new StringReader(json)).readObject();
  }
}
