package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.AgentConfig;
import dev.capstan.agent.NodeAgent;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Nodes that die, drain and come back, with two real node agents on the real Docker engine and
 * the suite's default settings (a 40 s monitor grace period, 10 s default toleration of lost
 * nodes): a node whose agent stops dead becomes NotReady with the unreachable taint, and its
 * pods are evicted and made again on the other node; the agent's return makes it Ready again.
 * {@code kubectl drain} moves pods off a node through the eviction subresource. The two nodes
 * carry a taint of their own, and the pods here tolerate it and ask for these nodes by name, so
 * no other test's pods and no pods but these are involved.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class NodeLifecycleIT {

  private static final TestServer SERVER = TestServer.SUITE;
  private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
  private static final String NODE_A = "it-life-a-" + SUFFIX;
  private static final String NODE_B = "it-life-b-" + SUFFIX;
  private static final String TAINT = "capstan.dev/node-lifecycle-it";
  private static final NodeAgent[] AGENTS = new NodeAgent[2];
  private final Kubectl kubectl = Kubectl.against(SERVER);

  @BeforeAll
  static void startAgents() throws Exception {
    AGENTS[0] = NodeAgent.start(config(NODE_A));
    AGENTS[1] = NodeAgent.start(config(NODE_B));
    for (String node : List.of(NODE_A, NODE_B)) {
      assertThat(Http.patch(SERVER.api("/api/v1/nodes/" + node), "application/merge-patch+json",
          "{\"spec\":{\"taints\":[{\"key\":\"" + TAINT + "\",\"effect\":\"NoSchedule\"}]}}")
          .statusCode()).isEqualTo(200);
    }
  }

  @AfterAll
  static void stopAgents() {
    for (NodeAgent agent : AGENTS) {
      if (agent != null) {
        agent.close();
      }
    }
    Docker.removeContainersOf(NODE_A);
    Docker.removeContainersOf(NODE_B);
    for (String node : List.of(NODE_A, NODE_B)) {
      Http.delete(SERVER.api("/api/v1/nodes/" + node));
      Http.delete(SERVER.api("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/"
          + node));
    }
  }

  @Test
  void aDeadNodesPodsAreEvictedAndRunOnTheOtherNodeUntilItComesBack() throws Exception {
    awaitReady(NODE_A, NODE_B);
    String namespace = SERVER.newNamespace();
    assertThat(kubectl.withInput(replicationController("spread", 4), "create", "-n", namespace,
        "-f", "-").exitCode()).isZero();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(livePods(namespace)).hasSize(4).allMatch(pod -> pod.phase().equals("Running"))
            .anyMatch(pod -> pod.node().equals(NODE_A))
            .anyMatch(pod -> pod.node().equals(NODE_B)));
    List<String> onA = livePods(namespace).stream().filter(pod -> pod.node().equals(NODE_A))
        .map(Pod::name).toList();

    // the machine dies: no heartbeat, no pod deleted, its containers gone with it
    AGENTS[0].close();
    AGENTS[0] = null;
    Docker.removeContainersOf(NODE_A);
    long died = System.nanoTime();

    await().atMost(Duration.ofSeconds(75)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
        assertThat(kubectl.run("get", "node", NODE_A).out())
            .containsPattern("(?m)^" + NODE_A + "\\s+NotReady\\s"));
    long notReady = System.nanoTime();
    assertThat(kubectl.run("get", "node", NODE_A, "-o",
        "jsonpath={range .spec.taints[*]}{.key}:{.effect} {end}").out())
        .contains("node.kubernetes.io/unreachable:NoSchedule",
            "node.kubernetes.io/unreachable:NoExecute");
    assertThat(kubectl.run("describe", "node", NODE_A).out())
        .containsPattern("Ready\\s+Unknown\\s.*NodeStatusUnknown\\s+Kubelet stopped posting node"
            + " status\\.");

    await().atMost(Duration.ofSeconds(45)).untilAsserted(() ->
        assertThat(livePods(namespace)).hasSize(4)
            .allMatch(pod -> pod.node().equals(NODE_B) && pod.phase().equals("Running"))
            .noneMatch(pod -> onA.contains(pod.name())));
    // a figure for the notes, not a test: the defaults promise under a minute
    System.out.printf("NodeLifecycleIT: %s NotReady %.1f s after its agent died; its %d pods"
        + " Running on %s after %.1f s%n", NODE_A, (notReady - died) / 1e9, onA.size(), NODE_B,
        (System.nanoTime() - died) / 1e9);
    assertThat(kubectl.run("get", "events", "-n", namespace).out())
        .contains("TaintManagerEviction", "Marking for deletion Pod " + namespace + "/"
            + onA.get(0));

    AGENTS[0] = NodeAgent.start(config(NODE_A));
    awaitReady(NODE_A);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(kubectl.run("get", "node", NODE_A, "-o",
            "jsonpath={range .spec.taints[*]}{.key}:{.effect} {end}").out().trim())
            .isEqualTo(TAINT + ":NoSchedule"));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(pods(namespace)).as("the evicted pods finish terminating on the returned node")
            .noneMatch(pod -> onA.contains(pod.name())));
  }

  @Test
  void drainMovesPodsOffANodeAndCordonsIt() {
    awaitReady(NODE_A, NODE_B);
    String namespace = SERVER.newNamespace();
    assertThat(kubectl.withInput(replicationController("drained", 1), "create", "-n", namespace,
        "-f", "-").exitCode()).isZero();
    await().atMost(Duration.ofSeconds(45)).untilAsserted(() ->
        assertThat(livePods(namespace)).singleElement()
            .matches(pod -> pod.phase().equals("Running")));
    Pod before = livePods(namespace).get(0);
    String node = before.node();
    String other = node.equals(NODE_A) ? NODE_B : NODE_A;
    assertThat(Http.postJson(SERVER.api("/api/v1/namespaces/" + namespace + "/pods"), """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"bare"},
         "spec":{"nodeName":"%s","terminationGracePeriodSeconds":1,
          "tolerations":[{"key":"%s","operator":"Exists"}],
          "containers":[{"name":"main","image":"capstan/busybox:1","command":["sleep","3600"]}]}}"""
        .formatted(node, TAINT)).statusCode()).isEqualTo(201);

    Kubectl.Result refused = kubectl.run("drain", node, "--ignore-daemonsets",
        "--delete-emptydir-data", "--timeout=60s");
    assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
    assertThat(refused.out()).contains("node/" + node + " cordoned");
    assertThat(refused.err()).contains("--force", namespace + "/bare");

    Kubectl.Result drained = kubectl.run("drain", node, "--ignore-daemonsets",
        "--delete-emptydir-data", "--force", "--timeout=60s");
    try {
      assertThat(drained.exitCode()).as(drained.toString()).isZero();
      assertThat(drained.out()).contains("node/" + node + " already cordoned")
          .contains("pod/" + before.name() + " evicted", "pod/bare evicted")
          .contains("node/" + node + " drained");
      assertThat(pods(namespace)).noneMatch(pod -> pod.node().equals(node));
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(livePods(namespace)).singleElement()
              .matches(pod -> pod.node().equals(other) && pod.phase().equals("Running")));
      assertThat(kubectl.run("get", "node", node).out())
          .containsPattern("(?m)^" + node + "\\s+Ready,SchedulingDisabled\\s");
    } finally {
      Kubectl.Result uncordoned = kubectl.run("uncordon", node);
      assertThat(uncordoned.out()).contains("node/" + node + " uncordoned");
    }
    assertThat(kubectl.run("get", "node", node).out())
        .containsPattern("(?m)^" + node + "\\s+Ready\\s");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(kubectl.run("get", "node", node, "-o",
            "jsonpath={range .spec.taints[*]}{.key} {end}").out())
            .doesNotContain("node.kubernetes.io/unschedulable"));
  }

  @Test
  void theEvictionSubresourceAnswersAsKubernetesDoes() {
    String namespace = SERVER.newNamespace();
    String pods = "/api/v1/namespaces/" + namespace + "/pods";
    assertThat(Http.postJson(SERVER.api(pods), """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"bound"},
         "spec":{"nodeName":"it-life-nowhere-%s",
          "containers":[{"name":"main","image":"capstan/busybox:1"}]}}""".formatted(SUFFIX))
        .statusCode()).isEqualTo(201);

    HttpResponse<String> invalid = Http.postJson(SERVER.api(pods + "/bound/eviction"), """
        {"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"bound"},
         "deleteOptions":{"propagationPolicy":"Sideways"}}""");
    assertThat(invalid.statusCode()).as(invalid.body()).isEqualTo(422);
    assertThat(Http.json(invalid).getString("message"))
        .contains("deleteOptions.propagationPolicy", "Sideways");

    HttpResponse<String> missing = Http.postJson(SERVER.api(pods + "/absent/eviction"), """
        {"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"absent"}}""");
    assertThat(missing.statusCode()).as(missing.body()).isEqualTo(404);
    assertThat(Http.json(missing).getString("reason")).isEqualTo("NotFound");

    HttpResponse<String> wrongUid = Http.postJson(SERVER.api(pods + "/bound/eviction"), """
        {"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"bound"},
         "deleteOptions":{"preconditions":{"uid":"not-its-uid"}}}""");
    assertThat(wrongUid.statusCode()).as(wrongUid.body()).isEqualTo(409);

    HttpResponse<String> evicted = Http.postJson(SERVER.api(pods + "/bound/eviction"), """
        {"apiVersion":"policy/v1beta1","kind":"Eviction","metadata":{"name":"bound"},
         "deleteOptions":{"gracePeriodSeconds":7}}""");
    assertThat(evicted.statusCode()).as(evicted.body()).isEqualTo(201);
    JsonObject status = Http.json(evicted);
    assertThat(status.getString("kind")).isEqualTo("Status");
    assertThat(status.getString("status")).isEqualTo("Success");
    JsonObject metadata = Http.json(Http.get(SERVER.api(pods + "/bound")))
        .getJsonObject("metadata");
    assertThat(metadata.getInt("deletionGracePeriodSeconds")).isEqualTo(7);
    assertThat(metadata.getString("deletionTimestamp")).isNotEmpty();
  }

  @Test
  void aDisruptionBudgetHoldsBackEvictionsThatWouldBreakIt() {
    awaitReady(NODE_A, NODE_B);
    String namespace = SERVER.newNamespace();
    assertThat(kubectl.withInput(replicationController("guarded", 2), "create", "-n", namespace,
        "-f", "-").exitCode()).isZero();
    Kubectl.Result budget = kubectl.run("create", "poddisruptionbudget", "guarded", "-n",
        namespace, "--selector=app=guarded", "--min-available=1");
    assertThat(budget.exitCode()).as(budget.toString()).isZero();
    await().atMost(Duration.ofSeconds(45)).untilAsserted(() -> {
      assertThat(livePods(namespace)).hasSize(2).allMatch(pod -> pod.phase().equals("Running"));
      assertThat(kubectl.run("get", "pdb", "guarded", "-n", namespace).out())
          .containsPattern("(?m)^guarded\\s+1\\s+N/A\\s+1\\s");
    });
    List<String> names = livePods(namespace).stream().map(Pod::name).toList();

    assertThat(evict(namespace, names.get(0)).statusCode()).isEqualTo(201);
    HttpResponse<String> refused = evict(namespace, names.get(1));

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
    JsonObject status = Http.json(refused);
    assertThat(status.getString("reason")).isEqualTo("TooManyRequests");
    assertThat(status.getString("message"))
        .isEqualTo("Cannot evict pod as it would violate the pod's disruption budget.");
    assertThat(status.getJsonObject("details").getJsonArray("causes").getJsonObject(0)
        .getString("reason")).isEqualTo("DisruptionBudget");
    await().atMost(Duration.ofSeconds(45)).untilAsserted(() ->
        assertThat(evict(namespace, names.get(1)).statusCode())
            .as("allowed once the replacement is ready").isEqualTo(201));
  }

  private static HttpResponse<String> evict(String namespace, String pod) {
    return Http.postJson(SERVER.api("/api/v1/namespaces/" + namespace + "/pods/" + pod
        + "/eviction"), """
        {"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"%s"}}""".formatted(pod));
  }

  record Pod(String name, String node, String phase, boolean terminating) {}

  private List<Pod> pods(String namespace) {
    Kubectl.Result result = kubectl.run("get", "pods", "-n", namespace, "-o",
        "jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName} {.status.phase}"
            + " {.metadata.deletionTimestamp}{\"\\n\"}{end}");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return result.out().lines().filter(line -> !line.isBlank()).map(line -> {
      String[] fields = Arrays.copyOf(line.trim().split(" +"), 4);
      return new Pod(fields[0], fields[1] == null ? "" : fields[1],
          fields[2] == null ? "" : fields[2], fields[3] != null);
    }).toList();
  }

  private List<Pod> livePods(String namespace) {
    return pods(namespace).stream().filter(pod -> !pod.terminating()).toList();
  }

  private void awaitReady(String... nodes) {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      String out = kubectl.run("get", "nodes", nodes[0], nodes.length > 1 ? nodes[1] : nodes[0])
          .out();
      for (String node : nodes) {
        assertThat(out).containsPattern("(?m)^" + node + "\\s+Ready\\s");
      }
    });
  }

  /** A ReplicationController whose pods tolerate the nodes' taint and ask for them by name. */
  private static String replicationController(String name, int replicas) {
    return """
        apiVersion: v1
        kind: ReplicationController
        metadata: {name: %s}
        spec:
          replicas: %d
          selector: {app: %s}
          template:
            metadata: {labels: {app: %s}}
            spec:
              terminationGracePeriodSeconds: 1
              tolerations: [{key: "%s", operator: Exists, effect: NoSchedule}]
              affinity:
                nodeAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                    nodeSelectorTerms:
                    - matchExpressions:
                      - {key: kubernetes.io/hostname, operator: In, values: [%s, %s]}
              containers:
              - {name: main, image: "capstan/busybox:1", command: [sleep, "3600"]}
        """.formatted(name, replicas, name, name, TAINT, NODE_A, NODE_B);
  }


  private static AgentConfig config(String node) {
    try {
      NodeCredentials.BrokerUser broker = NodeCredentials.brokerUser(SERVER, node);
      return new AgentConfig(SERVER.secureApi().toString(), Http.token(), Optional.empty(), true,
          node, "127.0.0.1", Docker.host(), Optional.of(SERVER.messagingUrl()),
          broker.user(), broker.password(), "capstan/pause:1",
          Files.createTempDirectory("capstan-agent"), 110, Duration.ofSeconds(5),
          Duration.ofSeconds(5), 0, Optional.empty(), Optional.empty());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
