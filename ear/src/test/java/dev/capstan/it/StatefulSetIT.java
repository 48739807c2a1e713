package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The StatefulSet controller against the deployed control plane with real kubectl, on hollow
 * nodes (they run nothing: the test writes the pods' Ready condition as an agent would; their
 * claims, of the default WaitForFirstConsumer class, let the pods be scheduled and stay
 * Pending, as no agent there announces a storage root): pods
 * made in order and each only once the one before is Ready, their claims, scale-down from the
 * top, a rolling update stopped at a partition, and rollout history and undo.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class StatefulSetIT {

  private static final TestServer SERVER = TestServer.SUITE;
  private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
  private static HollowNodes nodes;
  private final Kubectl kubectl = Kubectl.against(SERVER);

  @BeforeAll
  static void registerNodes() {
    nodes = new HollowNodes(SERVER, List.of("sts-a-" + SUFFIX, "sts-b-" + SUFFIX), "4",
        "{\"sts\":\"" + SUFFIX + "\"}");
  }

  @AfterAll
  static void removeNodes() {
    nodes.close();
  }

  @Test
  void podsComeInOrderWithTheirClaimsAndScaleDownFromTheTop() {
    String namespace = SERVER.newNamespace();
    Kubectl.Result created = kubectl.withInput(manifest("capstan/busybox:1"), "create", "-n",
        namespace, "-f", "-");
    assertThat(created.exitCode()).as(created.toString()).isZero();

    // web-0 first, and nothing more until it is Ready
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(podNames(namespace)).containsExactly("web-0"));
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(podNames(namespace)).containsExactly("web-0"));
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
      markBoundPodsReady(namespace);
      assertThat(kubectl.run("get", "sts", "web", "-n", namespace).out())
          .containsPattern("(?m)^NAME\\s+READY\\s+AGE\\s*$")
          .containsPattern("(?m)^web\\s+3/3\\s+\\S+\\s*$");
    });
    assertThat(podNames(namespace)).containsExactly("web-0", "web-1", "web-2");
    JsonObject web1 = pod(namespace, "web-1");
    assertThat(web1.getJsonObject("spec").getString("hostname")).isEqualTo("web-1");
    assertThat(web1.getJsonObject("spec").getString("subdomain")).isEqualTo("nginx");
    assertThat(web1.getJsonObject("metadata").getJsonObject("labels")
        .getString("statefulset.kubernetes.io/pod-name")).isEqualTo("web-1");
    Kubectl.Result claims = kubectl.run("get", "pvc", "-n", namespace);
    assertThat(claims.out()).as(claims.out())
        .containsPattern("(?m)^www-web-0\\s").containsPattern("(?m)^www-web-1\\s")
        .containsPattern("(?m)^www-web-2\\s");
    Kubectl.Result described = kubectl.run("describe", "sts", "web", "-n", namespace);
    assertThat(described.out()).as(described.out())
        .containsPattern("Replicas:\\s+3 desired \\| 3 total")
        .containsPattern("Update Strategy:\\s+RollingUpdate")
        .containsPattern("Pods Status:\\s+3 Running")
        .containsPattern("Normal\\s+SuccessfulCreate\\s+.*statefulset-controller\\s+create Claim"
            + " www-web-0 Pod web-0 in StatefulSet web success")
        .containsPattern("Normal\\s+SuccessfulCreate\\s+.*statefulset-controller\\s+create Pod"
            + " web-2 in StatefulSet web successful");
    Kubectl.Result status = kubectl.run("rollout", "status", "sts/web", "-n", namespace,
        "--timeout=20s");
    assertThat(status.out()).as(status.toString())
        .contains("partitioned roll out complete: 3 new pods have been updated...");

    Kubectl.Result scaled = kubectl.run("scale", "sts", "web", "--replicas=1", "-n", namespace);
    assertThat(scaled.out()).contains("statefulset.apps/web scaled");
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
      finishDeletions(namespace);
      assertThat(podNames(namespace)).containsExactly("web-0");
    });
    assertThat(kubectl.run("get", "pvc", "-n", namespace).out()).as("claims are retained")
        .containsPattern("(?m)^www-web-2\\s");
  }

  @Test
  void aRollingUpdateStopsAtThePartitionAndUndoGoesBack() {
    String namespace = SERVER.newNamespace();
    assertThat(kubectl.withInput(manifest("capstan/busybox:1").replace("replicas: 3",
        "replicas: 3\n  podManagementPolicy: Parallel\n  updateStrategy: {type: RollingUpdate,"
            + " rollingUpdate: {partition: 2}}"), "create", "-n", namespace, "-f", "-")
        .exitCode()).isZero();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
      markBoundPodsReady(namespace);
      assertThat(podNames(namespace)).as("Parallel: all at once")
          .containsExactly("web-0", "web-1", "web-2");
      assertThat(kubectl.run("get", "sts", "web", "-n", namespace).out())
          .containsPattern("web\\s+3/3\\s");
    });

    assertThat(kubectl.run("set", "image", "sts/web", "nginx=capstan/pause:1", "-n", namespace)
        .exitCode()).isZero();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
      finishDeletions(namespace);
      markBoundPodsReady(namespace);
      assertThat(image(namespace, "web-2")).isEqualTo("capstan/pause:1");
    });
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).untilAsserted(() -> {
      assertThat(image(namespace, "web-0")).as("below the partition").isEqualTo("capstan/busybox:1");
      assertThat(image(namespace, "web-1")).as("below the partition").isEqualTo("capstan/busybox:1");
    });

    Kubectl.Result history = kubectl.run("rollout", "history", "sts/web", "-n", namespace);
    assertThat(history.out()).as(history.out()).containsPattern("(?m)^statefulset.apps/web\\s*$")
        .containsPattern("(?m)^1\\s+<none>\\s*$").containsPattern("(?m)^2\\s+<none>\\s*$");
    Kubectl.Result undone = kubectl.run("rollout", "undo", "sts/web", "-n", namespace);
    assertThat(undone.exitCode()).as(undone.toString()).isZero();
    assertThat(undone.out()).contains("statefulset.apps/web rolled back");
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
      finishDeletions(namespace);
      markBoundPodsReady(namespace);
      assertThat(image(namespace, "web-2")).isEqualTo("capstan/busybox:1");
      assertThat(kubectl.run("rollout", "history", "sts/web", "-n", namespace).out())
          .containsPattern("(?m)^2\\s+<none>\\s*$").containsPattern("(?m)^3\\s+<none>\\s*$");
    });
  }

  @Test
  void badStatefulSetsAreRefusedNamingTheField() {
    String namespace = SERVER.newNamespace();
    Kubectl.Result noStorage = kubectl.withInput(manifest("capstan/busybox:1")
        .replace("resources: {requests: {storage: 1Gi}}", "resources: {}"),
        "create", "-n", namespace, "-f", "-");
    assertThat(noStorage.exitCode()).isNotZero();
    assertThat(noStorage.err()).contains(
        "spec.volumeClaimTemplates[0].spec.resources[storage]: Required value");
    Kubectl.Result wrongSelector = kubectl.withInput(manifest("capstan/busybox:1")
        .replace("matchLabels: {app: nginx}", "matchLabels: {app: other}"),
        "create", "-n", namespace, "-f", "-");
    assertThat(wrongSelector.err()).contains("spec.template.metadata.labels: Invalid value:");
    Kubectl.Result badPolicy = kubectl.withInput(manifest("capstan/busybox:1")
        .replace("replicas: 3", "replicas: 3\n  podManagementPolicy: Sometimes"),
        "create", "-n", namespace, "-f", "-");
    assertThat(badPolicy.err()).contains("spec.podManagementPolicy: Unsupported value:"
        + " \"Sometimes\": supported values: \"OrderedReady\", \"Parallel\"");
    assertThat(kubectl.run("get", "pvc", "-n", namespace).err())
        .as("no half-made set of claims").contains("No resources found");
  }

  private String manifest(String image) {
    return """
        apiVersion: v1
        kind: Service
        metadata: {name: nginx, labels: {app: nginx}}
        spec:
          clusterIP: None
          selector: {app: nginx}
          ports: [{port: 80, name: web}]
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: web}
        spec:
          serviceName: nginx
          replicas: 3
          selector:
            matchLabels: {app: nginx}
          template:
            metadata: {labels: {app: nginx}}
            spec:
              terminationGracePeriodSeconds: 0
              nodeSelector: {sts: "%s"}
              tolerations: [{key: capstan.dev/hollow, operator: Exists, effect: NoSchedule}]
              containers: [{name: nginx, image: %s, command: [sleep, "3600"]}]
          volumeClaimTemplates:
          - metadata: {name: www}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 1Gi}}
        """.formatted(SUFFIX, image);
  }

  private static List<String> podNames(String namespace) {
    return pods(namespace).stream()
        .filter(pod -> !pod.getJsonObject("metadata").containsKey("deletionTimestamp"))
        .map(pod -> pod.getJsonObject("metadata").getString("name")).sorted().toList();
  }

  private static List<JsonObject> pods(String namespace) {
    return Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace + "/pods")))
        .getJsonArray("items").getValuesAs(JsonObject.class);
  }

  private static JsonObject pod(String namespace, String name) {
    return Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace + "/pods/" + name)));
  }

  private static String image(String namespace, String name) {
    JsonObject pod = pod(namespace, name);
    return pod.containsKey("spec") ? pod.getJsonObject("spec").getJsonArray("containers")
        .getJsonObject(0).getString("image") : "";
  }

  /** Hollow nodes run no agent: a pod being deleted is removed as its agent would. */
  private static void finishDeletions(String namespace) {
    for (JsonObject pod : pods(namespace)) {
      if (pod.getJsonObject("metadata").containsKey("deletionTimestamp")) {
        Http.delete(SERVER.api("/api/v1/namespaces/" + namespace + "/pods/"
            + pod.getJsonObject("metadata").getString("name") + "?gracePeriodSeconds=0"));
      }
    }
  }

  private static void markBoundPodsReady(String namespace) {
    for (JsonObject pod : pods(namespace)) {
      if (pod.getJsonObject("spec").getString("nodeName", "").isEmpty()
          || pod.getJsonObject("metadata").containsKey("deletionTimestamp")) {
        continue;
      }
      String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
      String name = pod.getJsonObject("metadata").getString("name");
      boolean ready = String.valueOf(pod.getJsonObject("status").get("conditions"))
          .contains("{\"type\":\"Ready\",\"status\":\"True\"");
      if (!ready) {
        Http.patch(SERVER.api("/api/v1/namespaces/" + namespace + "/pods/" + name + "/status"),
            "application/merge-patch+json", """
            {"status":{"phase":"Running","conditions":[
              {"type":"Ready","status":"True","lastTransitionTime":"%s"},
              {"type":"PodScheduled","status":"True","lastTransitionTime":"%s"}]}}"""
                .formatted(now, now));
      }
    }
  }
}
