package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.AgentConfig;
import dev.capstan.agent.NodeAgent;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The resource metrics API ({@code metrics.k8s.io/v1beta1}) as real {@code kubectl top} reads
 * it, with a real agent on the real Docker engine: a pod spinning a CPU shows at least 200m in
 * {@code kubectl top pods} (with {@code --containers}, {@code -l}, {@code --sort-by},
 * {@code -A}), the node in {@code kubectl top nodes} with its CPU and memory percentages, the
 * bodies are metrics-server's field for field, discovery lists the kinds, and a user may read
 * the metrics of the namespaces where {@code view} is his and nowhere else.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResourceMetricsIT {

  private static final TestServer SERVER = TestServer.SUITE;
  private static final String NODE = "it-top-" + UUID.randomUUID().toString().substring(0, 6);
  private static final Pattern MILLICORES = Pattern.compile("(\\d+)m");

  private static NodeAgent agent;
  private static String team;
  private static String elsewhere;
  private final Kubectl kubectl = Kubectl.against(SERVER);

  @BeforeAll
  static void startAgent() throws Exception {
    AgentConfig config = NodeAgentIT.config(NODE, Docker.host(), NodeAgentIT.freeKubeletPort(),
        Files.createTempDirectory("capstan-agent-top"));
    agent = NodeAgent.start(config, false);
    NodeAgentIT.keepOtherPodsAway(SERVER, NODE);
    team = SERVER.newNamespace();
    elsewhere = SERVER.newNamespace();
    SERVER.create(team, "pods", pod("idle", "idle", "sleep 3600"));
    SERVER.create(elsewhere, "pods", pod("other", "idle", "sleep 3600"));
  }

  @AfterAll
  static void stopAgent() {
    if (agent != null) {
      agent.close();
    }
    Docker.removeContainersOf(NODE);
  }

  @Test
  @Order(1)
  void aPodSpinningACpuShowsInKubectlTopPodsAtAFifthOfACoreOrMore() {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(kubectl.run("get", "pods", "-n", team).out())
            .containsPattern("(?m)^idle\\s+1/1\\s+Running"));
    long created = System.nanoTime();
    SERVER.create(team, "pods", pod("burner", "burner", "while :; do :; done"));
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
        assertThat(kubectl.run("get", "pods", "-n", team).out())
            .containsPattern("(?m)^burner\\s+1/1\\s+Running"));
    long running = System.nanoTime();

    await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      Kubectl.Result top = kubectl.run("top", "pods", "-n", team);
      assertThat(top.exitCode()).as(top.toString()).isZero();
      assertThat(millicores(top.out(), "burner")).as(top.out()).isGreaterThanOrEqualTo(200);
    });
    long shown = System.nanoTime();
    Kubectl.Result top = kubectl.run("top", "pods", "-n", team);
    System.out.printf("ResourceMetricsIT: kubectl top showed the burner at %dm %.1f s after it"
        + " was Running (%.1f s after it was created)%n", millicores(top.out(), "burner"),
        (shown - running) / 1e9, (shown - created) / 1e9);
    assertThat(top.out()).containsPattern("(?m)^NAME\\s+CPU\\(cores\\)\\s+MEMORY\\(bytes\\)\\s*$")
        .containsPattern("(?m)^burner\\s+\\d+m\\s+\\d+Mi\\s*$");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
        assertThat(kubectl.run("top", "pods", "-n", team).out())
            .containsPattern("(?m)^idle\\s+\\d+m\\s+\\d+Mi\\s*$"));
    assertThat(millicores(kubectl.run("top", "pods", "-n", team).out(), "idle"))
        .as("an idle pod uses a few millicores").isLessThan(50);

    Kubectl.Result containers = kubectl.run("top", "pods", "-n", team, "--containers");
    assertThat(containers.out()).as(containers.toString())
        .containsPattern("(?m)^POD\\s+NAME\\s+CPU\\(cores\\)\\s+MEMORY\\(bytes\\)\\s*$")
        .containsPattern("(?m)^burner\\s+main\\s+\\d+m\\s+\\d+Mi\\s*$");
    assertThat(millicores(containers.out(), "burner\\s+main")).isGreaterThanOrEqualTo(200);

    Kubectl.Result selected = kubectl.run("top", "pods", "-n", team, "-l", "app=burner");
    assertThat(selected.out()).as(selected.toString()).containsPattern("(?m)^burner\\s")
        .doesNotContainPattern("(?m)^idle\\s");

    Kubectl.Result byCpu = kubectl.run("top", "pods", "-n", team, "--sort-by=cpu");
    assertThat(rows(byCpu.out())).as(byCpu.toString()).first().asString().startsWith("burner ");
    Kubectl.Result byMemory = kubectl.run("top", "pods", "-n", team, "--sort-by=memory");
    assertThat(byMemory.exitCode()).as(byMemory.toString()).isZero();
    assertThat(rows(byMemory.out())).hasSize(2);

    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      Kubectl.Result all = kubectl.run("top", "pods", "-A");
      assertThat(all.out()).as(all.toString())
          .containsPattern("(?m)^NAMESPACE\\s+NAME\\s+CPU\\(cores\\)\\s+MEMORY\\(bytes\\)\\s*$")
          .containsPattern("(?m)^" + team + "\\s+burner\\s+\\d+m\\s+\\d+Mi\\s*$")
          .containsPattern("(?m)^" + elsewhere + "\\s+other\\s+\\d+m\\s+\\d+Mi\\s*$");
    });
  }

  @Test
  @Order(2)
  void kubectlTopNodesShowsTheNodeWithItsCpuAndMemoryShares() {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      Kubectl.Result nodes = kubectl.run("top", "nodes");
      assertThat(nodes.exitCode()).as(nodes.toString()).isZero();
      assertThat(nodes.out()).containsPattern("(?m)^NAME\\s+CPU\\(cores\\)\\s+CPU(\\(%\\)|%)\\s+"
          + "MEMORY\\(bytes\\)\\s+MEMORY(\\(%\\)|%)\\s*$");
      assertThat(nodes.out()).containsPattern("(?m)^" + NODE + "\\s+\\d+m\\s+\\d+%\\s+\\d+Mi\\s+"
          + "\\d+%\\s*$");
      assertThat(millicores(nodes.out(), NODE)).as("the node runs the burner at least")
          .isGreaterThanOrEqualTo(200);
    });
    Kubectl.Result one = kubectl.run("top", "node", NODE);
    assertThat(one.out()).as(one.toString()).containsPattern("(?m)^" + NODE + "\\s+\\d+m\\s");
  }

  @Test
  @Order(3)
  void theBodiesAreMetricsServersFieldForField() {
    JsonObject list = json(kubectl.run("get", "--raw", "/apis/metrics.k8s.io/v1beta1/nodes"));
    assertThat(list.getString("kind")).isEqualTo("NodeMetricsList");
    assertThat(list.getString("apiVersion")).isEqualTo("metrics.k8s.io/v1beta1");
    assertThat(list.getJsonObject("metadata")).isEmpty();
    JsonObject item = list.getJsonArray("items").getValuesAs(JsonObject.class).stream()
        .filter(i -> i.getJsonObject("metadata").getString("name").equals(NODE)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + NODE + " in " + list));
    assertThat(item.keySet()).containsExactly("metadata", "timestamp", "window", "usage");
    JsonObject metadata = item.getJsonObject("metadata");
    assertThat(metadata.keySet()).containsExactlyInAnyOrder("name", "creationTimestamp",
        "labels");
    JsonObject node = Http.json(Http.get(SERVER.api("/api/v1/nodes/" + NODE)));
    assertThat(metadata.getJsonObject("labels"))
        .isEqualTo(node.getJsonObject("metadata").getJsonObject("labels"));
    assertThat(Duration.between(Instant.parse(metadata.getString("creationTimestamp")),
        Instant.now()).abs()).isLessThan(Duration.ofSeconds(30));
    assertThat(Duration.between(Instant.parse(item.getString("timestamp")), Instant.now()))
        .as("sampled lately").isBetween(Duration.ofSeconds(-2), Duration.ofSeconds(40));
    assertThat(item.getString("window")).isEqualTo("10s");
    JsonObject usage = item.getJsonObject("usage");
    assertThat(usage.keySet()).containsExactly("cpu", "memory");
    assertThat(usage.getString("cpu")).matches("\\d+(n|u|m)?");
    assertThat(usage.getString("memory")).matches("\\d+(Ki|Mi|Gi)");

    JsonObject one = json(kubectl.run("get", "--raw",
        "/apis/metrics.k8s.io/v1beta1/nodes/" + NODE));
    assertThat(one.getString("kind")).isEqualTo("NodeMetrics");
    assertThat(one.getString("apiVersion")).isEqualTo("metrics.k8s.io/v1beta1");
    assertThat(one.getJsonObject("metadata").getString("name")).isEqualTo(NODE);

    JsonObject pod = json(kubectl.run("get", "--raw",
        "/apis/metrics.k8s.io/v1beta1/namespaces/" + team + "/pods/burner"));
    assertThat(pod.keySet()).containsExactly("kind", "apiVersion", "metadata", "timestamp",
        "window", "containers");
    assertThat(pod.getString("kind")).isEqualTo("PodMetrics");
    assertThat(pod.getJsonObject("metadata").getString("namespace")).isEqualTo(team);
    assertThat(pod.getJsonObject("metadata").getJsonObject("labels").getString("app"))
        .isEqualTo("burner");
    JsonObject container = pod.getJsonArray("containers").getJsonObject(0);
    assertThat(container.getString("name")).isEqualTo("main");
    assertThat(container.getJsonObject("usage").getString("memory")).matches("\\d+(Ki|Mi)");

    JsonObject selected = json(kubectl.run("get", "--raw", "/apis/metrics.k8s.io/v1beta1/"
        + "namespaces/" + team + "/pods?labelSelector=app%3Didle"));
    assertThat(selected.getString("kind")).isEqualTo("PodMetricsList");
    assertThat(selected.getJsonArray("items").getValuesAs(JsonObject.class))
        .extracting(i -> i.getJsonObject("metadata").getString("name")).containsExactly("idle");
    JsonObject named = json(kubectl.run("get", "--raw", "/apis/metrics.k8s.io/v1beta1/"
        + "nodes?fieldSelector=metadata.name%3D" + NODE));
    assertThat(named.getJsonArray("items")).hasSize(1);

    // metrics-server's answers for what is not there
    Http.assertStatus(Http.get(SERVER.api("/apis/metrics.k8s.io/v1beta1/nodes/no-such-node")),
        404, "NotFound", "node \"no-such-node\" not found");
    Http.assertStatus(Http.get(SERVER.api("/apis/metrics.k8s.io/v1beta1/namespaces/" + team
        + "/pods/no-such-pod")), 404, "NotFound", "pods \"no-such-pod\" not found");
    SERVER.create(team, "pods", """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"unplaced"},
         "spec":{"nodeName":"no-such-node","containers":[{"name":"main","image":"%s"}]}}"""
        .formatted(NodeAgentIT.IMAGE));
    Http.assertStatus(Http.get(SERVER.api("/apis/metrics.k8s.io/v1beta1/namespaces/" + team
        + "/pods/unplaced")), 404, "NotFound",
        "podmetrics.metrics.k8s.io \"" + team + "/unplaced\" not found");
    Http.assertStatus(Http.get(SERVER.api("/apis/metrics.k8s.io/v1beta1/nodes?"
        + "fieldSelector=spec.unschedulable%3Dfalse")), 400, "BadRequest",
        "field label not supported: spec.unschedulable");
  }

  @Test
  @Order(4)
  void discoveryListsTheMetricsKinds() {
    Kubectl.Result resources = kubectl.run("api-resources", "--api-group=metrics.k8s.io");
    assertThat(resources.out()).as(resources.toString())
        .containsPattern("(?m)^nodes\\s+metrics\\.k8s\\.io/v1beta1\\s+false\\s+NodeMetrics\\s*$")
        .containsPattern("(?m)^pods\\s+metrics\\.k8s\\.io/v1beta1\\s+true\\s+PodMetrics\\s*$");
  }

  @Test
  @Order(5)
  void aViewerOfOneNamespaceTopsItsPodsThereAndIsForbiddenElsewhere() {
    String user = "metrics-viewer-" + UUID.randomUUID().toString().substring(0, 6);
    Kubectl.Result bound = kubectl.run("create", "rolebinding", "viewer", "--clusterrole=view",
        "--user=" + user, "-n", team);
    assertThat(bound.exitCode()).as(bound.toString()).isZero();
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      Kubectl.Result top = kubectl.run("--as=" + user, "top", "pods", "-n", team);
      assertThat(top.exitCode()).as(top.toString()).isZero();
      assertThat(top.out()).containsPattern("(?m)^burner\\s+\\d+m\\s");
    });
    Kubectl.Result refused = kubectl.run("--as=" + user, "top", "pods", "-n", elsewhere);
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.err()).contains("Error from server (Forbidden): pods.metrics.k8s.io is"
        + " forbidden: User \"" + user + "\" cannot list resource \"pods\" in API group"
        + " \"metrics.k8s.io\" in the namespace \"" + elsewhere + "\"");
    Kubectl.Result nodes = kubectl.run("--as=" + user, "top", "nodes");
    assertThat(nodes.exitCode()).isNotZero();
    assertThat(nodes.err()).contains("Forbidden");
  }

  @Test
  @Order(6)
  void aNodeWhoseAgentDoesNotAnswerIsLeftOutAndDelaysOnlyTheFirstRequest() throws Exception {
    String dead = "it-top-dead-" + UUID.randomUUID().toString().substring(0, 6);
    // an "agent" that accepts connections and never says a word: the TLS handshake hangs
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> held = new CopyOnWriteArrayList<>();
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            held.add(silent.accept());
          }
        } catch (IOException closed) {
          // the test is over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      assertThat(Http.postJson(SERVER.api("/api/v1/nodes"), """
          {"apiVersion":"v1","kind":"Node","metadata":{"name":"%s"}}""".formatted(dead))
          .statusCode()).isEqualTo(201);
      try {
        assertThat(Http.patch(SERVER.api("/api/v1/nodes/" + dead + "/status"),
            "application/merge-patch+json", """
                {"status":{"addresses":[{"type":"InternalIP","address":"127.0.0.1"}],
                 "daemonEndpoints":{"kubeletEndpoint":{"Port":%d}}}}"""
                .formatted(silent.getLocalPort())).statusCode()).isEqualTo(200);

        long started = System.nanoTime();
        Kubectl.Result first = kubectl.run("top", "nodes");
        double firstSeconds = (System.nanoTime() - started) / 1e9;
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).containsPattern("(?m)^" + NODE + "\\s+\\d+m\\s")
            .doesNotContainPattern("(?m)^" + dead + "\\s+\\d");
        assertThat(held).as("the silent agent was asked").isNotEmpty();
        started = System.nanoTime();
        Kubectl.Result second = kubectl.run("top", "nodes");
        double secondSeconds = (System.nanoTime() - started) / 1e9;
        assertThat(second.out()).as(second.toString())
            .containsPattern("(?m)^" + NODE + "\\s+\\d+m\\s");
        Http.assertStatus(Http.get(SERVER.api("/apis/metrics.k8s.io/v1beta1/nodes/" + dead)),
            404, "NotFound", "nodemetrics.metrics.k8s.io \"" + dead + "\" not found");
        // past the failure's 10 s: the node is read again, but nobody waits for it any more
        Thread.sleep(11_000);
        started = System.nanoTime();
        Kubectl.Result third = kubectl.run("top", "nodes");
        double thirdSeconds = (System.nanoTime() - started) / 1e9;
        assertThat(third.out()).as(third.toString())
            .containsPattern("(?m)^" + NODE + "\\s+\\d+m\\s");
        System.out.printf("ResourceMetricsIT: kubectl top nodes with a silent agent took %.1f s,"
            + " then %.1f s, and %.1f s once its failure was 11 s old%n", firstSeconds,
            secondSeconds, thirdSeconds);
        assertThat(firstSeconds).as("the first request waits for the silent agent at most 5 s")
            .isLessThan(12);
        assertThat(secondSeconds).as("a known-dead agent delays nobody").isLessThan(firstSeconds);
        assertThat(thirdSeconds).as("a known-dead agent delays nobody").isLessThan(firstSeconds);
      } finally {
        Http.delete(SERVER.api("/api/v1/nodes/" + dead));
        for (Socket socket : held) {
          socket.close();
        }
      }
    }
  }

  private static int millicores(String table, String rowStart) {
    Matcher row = Pattern.compile("(?m)^" + rowStart + "\\s+(\\S+)").matcher(table);
    if (!row.find()) {
      return -1;
    }
    Matcher cpu = MILLICORES.matcher(row.group(1));
    return cpu.matches() ? Integer.parseInt(cpu.group(1)) : -1;
  }

  private static List<String> rows(String table) {
    return table.lines().skip(1).filter(line -> !line.isBlank()).toList();
  }

  private static JsonObject json(Kubectl.Result result) {
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return Json.createReader(new StringReader(result.out())).readObject();
  }

  /**
   * A pod on the test's node. A busy loop is held to half a core (a CPU limit), so that the
   * other fork's classes on this 2-core machine keep a core, and well over the 200m asserted.
   */
  private static String pod(String name, String app, String script) {
    String limits = script.contains("do :; done")
        ? ",\"resources\":{\"limits\":{\"cpu\":\"500m\"}}" : "";
    return """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","labels":{"app":"%s"}},
         "spec":{"nodeName":"%s","terminationGracePeriodSeconds":0,
           "tolerations":[{"key":"capstan.dev/test-agent","operator":"Exists"}],
           "containers":[{"name":"main","image":"%s","command":["sh","-c","%s"]%s}]}}"""
        .formatted(name, app, NODE, NodeAgentIT.IMAGE, script, limits);
  }
}
