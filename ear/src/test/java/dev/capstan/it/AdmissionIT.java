package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * ResourceQuota, LimitRange and ServiceAccount admission and their controllers, with real
 * kubectl and the reference's {@code test-quotas} quota (no node runs the pods: this is about
 * which pods may exist).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AdmissionIT {

  private static final TestServer SERVER = TestServer.SUITE;
  private final Kubectl kubectl = Kubectl.against(SERVER);

  @Test
  void aQuotaOfThreePodsHoldsAReplicationControllerOfFourAtThreeUntilItGoes() {
    String namespace = SERVER.newNamespace();
    Kubectl.Result quota = kubectl.withInput(Fixtures.read("test-quotas.yaml", "namespace: test",
        "namespace: " + namespace), "create", "-n", namespace, "-f", "-");
    assertThat(quota.exitCode()).as(quota.toString()).isZero();
    assertThat(kubectl.run("describe", "quota", "test-quotas", "-n", namespace).out())
        .containsPattern("pods\\s+0\\s+3")
        .containsPattern("replicationcontrollers\\s+0\\s+1")
        .containsPattern("services\\s+0\\s+1");

    assertThat(kubectl.withInput(Fixtures.read("node-js-rc.yaml").replace("replicas: 3",
        "replicas: 4"), "create", "-n", namespace, "-f", "-").exitCode()).isZero();

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(podNames(namespace)).hasSize(3);
      assertThat(kubectl.run("describe", "rc", "node-js", "-n", namespace).out())
          .contains("Replicas:     3 current / 4 desired")
          .containsPattern("(?m)^\\s+ReplicaFailure\\s+True\\s+FailedCreate\\s*$")
          .containsPattern("Warning\\s+FailedCreate\\s+.*replication-controller\\s+"
              + ".*Error creating: pods \"node-js-[a-z0-9]{5}\" is forbidden: exceeded quota:"
              + " test-quotas, requested: pods=1, used: pods=3, limited: pods=3");
    });
    assertThat(podNames(namespace)).hasSize(3);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(kubectl.run("describe", "namespace", namespace).out())
            .contains("Resource Quotas")
            .containsPattern("pods\\s+3\\s+3")
            .containsPattern("replicationcontrollers\\s+1\\s+1")
            .contains("No LimitRange resource."));

    assertThat(kubectl.withInput(Fixtures.read("node-js-service.yaml"), "create", "-n", namespace,
        "-f", "-").exitCode()).isZero();
    Kubectl.Result second = kubectl.withInput(Fixtures.read("node-js-service.yaml")
        .replace("name: node-js,", "name: node-js-2,"), "create", "-n", namespace, "-f", "-");
    assertThat(second.exitCode()).isNotZero();
    assertThat(second.err()).contains("services \"node-js-2\" is forbidden: exceeded quota:"
        + " test-quotas, requested: services=1, used: services=1, limited: services=1");

    String victim = podNames(namespace).get(0);
    assertThat(kubectl.run("delete", "pod", victim, "-n", namespace).exitCode()).isZero();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(podNames(namespace)).as(() -> podStates(namespace)).hasSize(3)
            .doesNotContain(victim));

    assertThat(kubectl.run("delete", "quota", "test-quotas", "-n", namespace).exitCode()).isZero();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(kubectl.run("describe", "rc", "node-js", "-n", namespace).out())
            .contains("Replicas:     4 current / 4 desired")
            .doesNotContain("ReplicaFailure"));
    assertThat(podNames(namespace)).hasSize(4);
  }

  @Test
  void concurrentCreatesNeverTakeMoreThanTheQuota() {
    String namespace = SERVER.newNamespace();
    assertThat(Http.postJson(SERVER.api("/api/v1/namespaces/" + namespace + "/resourcequotas"), """
        {"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"five"},
         "spec":{"hard":{"pods":"5","requests.cpu":"1"}}}""").statusCode()).isEqualTo(201);

    ExecutorService clients = Executors.newFixedThreadPool(12);
    List<CompletableFuture<HttpResponse<String>>> creates = IntStream.range(0, 12)
        .mapToObj(i -> CompletableFuture.supplyAsync(() -> Http.postJson(
            SERVER.api("/api/v1/namespaces/" + namespace + "/pods"), """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p%d"},
             "spec":{"containers":[{"name":"c","image":"capstan/busybox:1",
              "resources":{"requests":{"cpu":"100m"}}}]}}""".formatted(i)), clients))
        .toList();
    List<HttpResponse<String>> answers = creates.stream().map(CompletableFuture::join).toList();
    clients.shutdown();

    assertThat(answers).filteredOn(r -> r.statusCode() == 201).hasSize(5);
    assertThat(answers).filteredOn(r -> r.statusCode() == 403).hasSize(7)
        .allSatisfy(r -> assertThat(Http.json(r).getString("message"))
            .contains("exceeded quota: five, requested: pods=1, used: pods=5, limited: pods=5"));
    assertThat(podNames(namespace)).hasSize(5);
    HttpResponse<String> dryRun = Http.postJson(SERVER.api("/api/v1/namespaces/" + namespace
        + "/pods?dryRun=All"), """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"dry"},
         "spec":{"containers":[{"name":"c","image":"capstan/busybox:1",
          "resources":{"requests":{"cpu":"100m"}}}]}}""");
    assertThat(dryRun.statusCode()).as(dryRun.body()).isEqualTo(403);
    assertThat(kubectl.run("describe", "quota", "five", "-n", namespace).out())
        .containsPattern("pods\\s+5\\s+5")
        .containsPattern("requests.cpu\\s+500m\\s+1");

    HttpResponse<String> unstated = Http.postJson(
        SERVER.api("/api/v1/namespaces/" + namespace + "/pods"), """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"unstated"},
         "spec":{"containers":[{"name":"c","image":"capstan/busybox:1"}]}}""");
    assertThat(unstated.statusCode()).isEqualTo(403);
    assertThat(Http.json(unstated).getString("message")).isEqualTo("pods \"unstated\" is"
        + " forbidden: failed quota: five: must specify requests.cpu for: c");
  }

  @Test
  void aLimitRangeGivesPodsItsDefaultsAndRefusesThoseOverItsMaximum() {
    String namespace = SERVER.newNamespace();
    Kubectl.Result limits = kubectl.withInput("""
        apiVersion: v1
        kind: LimitRange
        metadata: {name: cpu-limits}
        spec:
          limits:
          - type: Container
            max: {cpu: 500m}
            default: {cpu: 300m, memory: 128Mi}
            defaultRequest: {cpu: 100m}
        """, "create", "-n", namespace, "-f", "-");
    assertThat(limits.exitCode()).as(limits.toString()).isZero();

    assertThat(kubectl.run("run", "plain", "--image=capstan/busybox:1", "-n", namespace)
        .exitCode()).isZero();
    JsonObject plain = Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace
        + "/pods/plain")));
    JsonObject resources = plain.getJsonObject("spec").getJsonArray("containers")
        .getJsonObject(0).getJsonObject("resources");
    assertThat(resources.getJsonObject("limits").getString("cpu")).isEqualTo("300m");
    assertThat(resources.getJsonObject("limits").getString("memory")).isEqualTo("128Mi");
    assertThat(resources.getJsonObject("requests").getString("cpu")).isEqualTo("100m");
    assertThat(resources.getJsonObject("requests").getString("memory")).isEqualTo("128Mi");
    assertThat(plain.getJsonObject("metadata").getJsonObject("annotations")
        .getString("kubernetes.io/limit-ranger")).isEqualTo("LimitRanger plugin set:"
        + " cpu, memory request for container plain; cpu, memory limit for container plain");
    assertThat(plain.getJsonObject("status").getString("qosClass")).isEqualTo("Burstable");

    Kubectl.Result dryRun = kubectl.run("run", "dry", "--image=capstan/busybox:1", "-n",
        namespace, "--dry-run=server", "-o", "jsonpath={.spec.containers[0].resources.limits.cpu}");
    assertThat(dryRun.out()).as(dryRun.toString()).isEqualTo("300m");
    assertThat(Http.get(SERVER.api("/api/v1/namespaces/" + namespace + "/pods/dry")).statusCode())
        .isEqualTo(404);

    Kubectl.Result big = kubectl.withInput("""
        apiVersion: v1
        kind: Pod
        metadata: {name: big}
        spec:
          containers:
          - name: big
            image: capstan/busybox:1
            resources: {limits: {cpu: "1"}}
        """, "create", "-n", namespace, "-f", "-");
    assertThat(big.exitCode()).isNotZero();
    assertThat(big.err()).contains("pods \"big\" is forbidden: maximum cpu usage per Container"
        + " is 500m, but limit is 1");
    assertThat(kubectl.run("describe", "namespace", namespace).out())
        .contains("Resource Limits").contains("No resource quota.");
  }

  @Test
  void everyNamespaceHasADefaultServiceAccountItsPodsRunAs() {
    String namespace = SERVER.newNamespace();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(kubectl.run("get", "sa", "-n", namespace).out()).containsPattern("default\\s+0"));

    assertThat(kubectl.run("run", "plain", "--image=capstan/busybox:1", "-n", namespace)
        .exitCode()).isZero();
    JsonObject spec = Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace
        + "/pods/plain"))).getJsonObject("spec");
    assertThat(spec.getString("serviceAccountName")).isEqualTo("default");
    assertThat(spec.getString("serviceAccount")).isEqualTo("default");

    String robotPod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: robot}
        spec:
          serviceAccountName: robot
          containers: [{name: robot, image: "capstan/busybox:1"}]
        """;
    Kubectl.Result refused = kubectl.withInput(robotPod, "create", "-n", namespace, "-f", "-");
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.err()).contains("pods \"robot\" is forbidden: error looking up service"
        + " account " + namespace + "/robot: serviceaccount \"robot\" not found");
    assertThat(kubectl.run("create", "serviceaccount", "robot", "-n", namespace).exitCode())
        .isZero();
    assertThat(kubectl.withInput(robotPod, "create", "-n", namespace, "-f", "-").exitCode())
        .isZero();

    assertThat(kubectl.run("delete", "sa", "default", "-n", namespace).exitCode()).isZero();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(kubectl.run("get", "sa", "default", "-n", namespace).exitCode()).isZero());
  }

  /** Each pod's name, phase, node and deletion, for a failure's message. */
  private static String podStates(String namespace) {
    return Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace + "/pods")))
        .getJsonArray("items").getValuesAs(JsonObject.class).stream()
        .map(pod -> pod.getJsonObject("metadata").getString("name") + " "
            + pod.getJsonObject("status").getString("phase", "-") + " on "
            + pod.getJsonObject("spec").getString("nodeName", "-") + " deleting "
            + pod.getJsonObject("metadata").getString("deletionTimestamp", "-"))
        .toList() + "; quota " + Http.get(SERVER.api("/api/v1/namespaces/" + namespace
            + "/resourcequotas")).body();
  }

  private static List<String> podNames(String namespace) {
    return Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace + "/pods")))
        .getJsonArray("items").getValuesAs(JsonObject.class).stream()
        .filter(pod -> !pod.getJsonObject("metadata").containsKey("deletionTimestamp"))
        .map(pod -> pod.getJsonObject("metadata").getString("name"))
        .sorted().toList();
  }
}
