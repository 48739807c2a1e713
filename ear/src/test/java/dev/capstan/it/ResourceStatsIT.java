package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.AgentConfig;
import dev.capstan.agent.NodeAgent;
import dev.capstan.contract.tls.PemTls;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The agent's resource figures on the real Docker engine, read as metrics-server and Prometheus
 * read a kubelet's: a pod spinning a CPU shows at least 0.2 cores in {@code /stats/summary} and
 * {@code /metrics/resource} within 30 s, an idle one a few millicores, both a working set;
 * only the API server's client certificate may read them; and the node's MemoryPressure and
 * DiskPressure follow the measured figures against the eviction thresholds.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ResourceStatsIT {

  private static final TestServer SERVER = TestServer.SUITE;
  private static final String NODE = "it-stats-" + UUID.randomUUID().toString().substring(0, 6);

  private static NodeAgent agent;
  private static AgentConfig config;
  private static HttpClient apiServer;
  private final Kubectl kubectl = Kubectl.against(SERVER);

  @BeforeAll
  static void startAgent() throws Exception {
    config = NodeAgentIT.config(NODE, Docker.host(), NodeAgentIT.freeKubeletPort(),
        Files.createTempDirectory("capstan-agent-stats"));
    agent = NodeAgent.start(config, false);
    NodeAgentIT.keepOtherPodsAway(SERVER, NODE);
    NodeCredentials.Issued kubeletClient = NodeCredentials.clientCertificate(
        "stats-client-" + NODE, PemTls.KUBELET_CLIENT_NAME, "system:masters");
    apiServer = client(PemTls.context(Optional.of(kubeletClient.certificate()),
        Optional.of(kubeletClient.key()), NodeCredentials.ca()));
  }

  @AfterAll
  static void stopAgent() {
    if (agent != null) {
      agent.close();
    }
    Docker.removeContainersOf(NODE);
  }

  @Test
  void aBusyPodShowsAtLeastATenthOfACoreAndAnIdleOneAFewMillicores() throws Exception {
    String namespace = SERVER.newNamespace();
    SERVER.create(namespace, "pods", pod("burner", "while :; do :; done"));
    SERVER.create(namespace, "pods", pod("idle", "sleep 3600"));
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(kubectl.run("get", "pods", "-n", namespace).out())
            .containsPattern("(?m)^burner\\s+1/1\\s+Running")
            .containsPattern("(?m)^idle\\s+1/1\\s+Running"));
    long running = System.nanoTime();

    // a tenth of a core: the pod's limit is half a core, but on two cores shared with another
    // test fork's spinning pods it has had 184m
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      JsonObject summary = summary();
      JsonObject burner = pod(summary, namespace, "burner");
      assertThat(nanoCores(burner)).as("burner pod cores, in nanocores")
          .isGreaterThanOrEqualTo(100_000_000L);
      JsonObject main = burner.getJsonArray("containers").getJsonObject(0);
      assertThat(main.getString("name")).isEqualTo("main");
      assertThat(nanoCores(main)).isGreaterThanOrEqualTo(100_000_000L);
    });
    double seen = (System.nanoTime() - running) / 1e9;

    JsonObject summary = summary();
    JsonObject burner = pod(summary, namespace, "burner");
    JsonObject idle = pod(summary, namespace, "idle");
    long idleNanoCores = nanoCores(idle);
    assertThat(idleNanoCores).as("idle pod, in nanocores").isBetween(0L, 19_999_999L);
    for (JsonObject pod : new JsonObject[] {burner, idle}) {
      assertThat(pod.getJsonObject("podRef").getString("uid")).isNotEmpty();
      assertThat(pod.getJsonObject("memory").getJsonNumber("workingSetBytes").longValue())
          .isPositive();
      assertThat(pod.getJsonArray("containers").getJsonObject(0).getJsonObject("memory")
          .getJsonNumber("workingSetBytes").longValue()).isPositive();
    }
    JsonObject node = summary.getJsonObject("node");
    assertThat(node.getString("nodeName")).isEqualTo(NODE);
    assertThat(nanoCores(node)).as("the node runs at least the burner").isGreaterThanOrEqualTo(100_000_000L);
    assertThat(node.getJsonObject("memory").getJsonNumber("workingSetBytes").longValue())
        .isPositive();
    System.out.printf("ResourceStatsIT: burner at %.0fm seen %.1f s after Running; idle at %.1fm;"
        + " burner working set %d KiB%n",
        nanoCores(burner) / 1e6, seen,
        idleNanoCores / 1e6,
        burner.getJsonObject("memory").getJsonNumber("workingSetBytes").longValue() / 1024);

    // the same figures in Prometheus text: the cumulative counter moves at the burner's pace
    Map<String, String> burnerMain = Map.of("container", "main", "namespace", namespace,
        "pod", "burner");
    PrometheusText first = metrics();
    assertThat(first.sum("scrape_error", Map.of())).isZero();
    double before = first.sum("container_cpu_usage_seconds_total", burnerMain);
    long from = System.nanoTime();
    await().atMost(Duration.ofSeconds(25)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
        assertThat(metrics().sum("container_cpu_usage_seconds_total", burnerMain))
            .isGreaterThan(before));
    PrometheusText second = metrics();
    double cores = (second.sum("container_cpu_usage_seconds_total", burnerMain) - before)
        / ((System.nanoTime() - from) / 1e9);
    assertThat(cores).as("cores by container_cpu_usage_seconds_total").isGreaterThanOrEqualTo(0.2);
    assertThat(second.sum("container_memory_working_set_bytes", burnerMain)).isPositive();
    assertThat(second.sum("container_memory_working_set_bytes", Map.of("namespace", namespace,
        "pod", "idle", "container", "main"))).isPositive();
    assertThat(second.sum("pod_cpu_usage_seconds_total", Map.of("namespace", namespace,
        "pod", "burner"))).isPositive();
    assertThat(second.sum("pod_memory_working_set_bytes", Map.of("namespace", namespace,
        "pod", "idle"))).isPositive();
    assertThat(second.sum("node_cpu_usage_seconds_total", Map.of())).isPositive();
    assertThat(second.sum("node_memory_working_set_bytes", Map.of())).isPositive();
    assertThat(second.has("container_start_time_seconds", burnerMain)).isTrue();
  }

  @Test
  void cadvisorMetricsNameEachContainerItsSandboxAndTheMachineAndMove() throws Exception {
    String namespace = SERVER.newNamespace();
    SERVER.create(namespace, "pods", pod("spinner", "while :; do :; done"));
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(kubectl.run("get", "pods", "-n", namespace).out())
            .containsPattern("(?m)^spinner\\s+1/1\\s+Running"));
    Map<String, String> main = Map.of("namespace", namespace, "pod", "spinner",
        "container", "main", "cpu", "total");
    Map<String, String> sandbox = Map.of("namespace", namespace, "pod", "spinner",
        "container", "POD");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
        assertThat(cadvisor().has("container_cpu_usage_seconds_total", main)).isTrue());

    PrometheusText first = cadvisor();
    double before = first.sum("container_cpu_usage_seconds_total", main);
    double machineBefore = first.sum("container_cpu_usage_seconds_total", Map.of("id", "/"));
    assertThat(first.samples("container_cpu_usage_seconds_total").stream()
        .filter(s -> s.labels().entrySet().containsAll(main.entrySet())).findFirst())
        .hasValueSatisfying(s -> {
          assertThat(s.labels().get("id")).startsWith("/");
          assertThat(s.labels().get("image")).isEqualTo(NodeAgentIT.IMAGE);
          assertThat(s.labels().get("name")).isNotEmpty();
          assertThat(s.timestampMillis()).as("cAdvisor's sample timestamps").isNotNull();
        });
    assertThat(first.sum("container_memory_working_set_bytes", Map.of("namespace", namespace,
        "pod", "spinner", "container", "main"))).isPositive();
    assertThat(first.sum("container_memory_usage_bytes", Map.of("namespace", namespace,
        "pod", "spinner", "container", "main"))).isPositive();
    assertThat(first.has("container_memory_rss", sandbox)).isTrue();
    assertThat(first.has("container_start_time_seconds", Map.of("namespace", namespace,
        "pod", "spinner", "container", "main"))).isTrue();
    assertThat(first.has("container_last_seen", sandbox)).isTrue();
    assertThat(first.samples("container_network_receive_bytes_total").stream()
        .filter(s -> s.labels().getOrDefault("pod", "").equals("spinner")))
        .as("the pod's network, read from its sandbox").isNotEmpty()
        .allSatisfy(s -> assertThat(s.labels()).containsEntry("container", "POD")
            .containsKey("interface"));
    assertThat(first.has("container_memory_working_set_bytes", Map.of("id", "/")))
        .as("the machine, as cAdvisor's root container").isTrue();

    await().atMost(Duration.ofSeconds(25)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      PrometheusText later = cadvisor();
      assertThat(later.sum("container_cpu_usage_seconds_total", main)).isGreaterThan(before);
      assertThat(later.sum("container_cpu_usage_seconds_total", Map.of("id", "/")))
          .isGreaterThan(machineBefore);
    });
    Http.delete(SERVER.api("/api/v1/namespaces/" + namespace + "/pods/spinner"));
  }

  @Test
  void onlyTheApiServerMayReadTheFigures() throws Exception {
    HttpClient anonymous = client(PemTls.context(Optional.empty(), Optional.empty(),
        NodeCredentials.ca()));
    assertThat(anonymous.send(request("/stats/summary"), HttpResponse.BodyHandlers.ofString())
        .statusCode()).isEqualTo(401);
    NodeCredentials.Issued node = NodeCredentials.clientCertificate("stats-node-" + NODE,
        "system:node:" + NODE, "system:nodes");
    HttpClient other = client(PemTls.context(Optional.of(node.certificate()),
        Optional.of(node.key()), NodeCredentials.ca()));
    HttpResponse<String> summary = other.send(request("/stats/summary"),
        HttpResponse.BodyHandlers.ofString());
    assertThat(summary.statusCode()).isEqualTo(403);
    assertThat(summary.body()).contains("Forbidden (user=system:node:" + NODE
        + ", verb=get, resource=nodes, subresource=stats)");
    HttpResponse<String> metrics = other.send(request("/metrics/resource"),
        HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.statusCode()).isEqualTo(403);
    assertThat(metrics.body()).contains("subresource=metrics)");
  }

  @Test
  void memoryAndDiskUnderTheirEvictionThresholdsTurnTheNodesPressureConditionsTrue()
      throws Exception {
    // the default agent: this machine has more than 100Mi available
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(condition(NODE, "MemoryPressure").getString("status")).isEqualTo("False"));
    String node = "it-pressure-" + UUID.randomUUID().toString().substring(0, 6);
    // thresholds no machine meets: more than a petabyte available, all of its disk free
    System.setProperty("capstan.eviction-hard", "memory.available<1Pi,nodefs.available<100%");
    NodeAgent pressed;
    try {
      pressed = NodeAgent.start(NodeAgentIT.config(node, Docker.host(),
          NodeAgentIT.freeKubeletPort(), Files.createTempDirectory("capstan-agent-pressure")),
          false);
    } finally {
      System.clearProperty("capstan.eviction-hard");
    }
    try (pressed) {
      await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
        JsonObject memory = condition(node, "MemoryPressure");
        assertThat(memory.getString("status")).isEqualTo("True");
        assertThat(memory.getString("reason")).isEqualTo("KubeletHasInsufficientMemory");
        assertThat(memory.getString("message")).isEqualTo(
            "kubelet has insufficient memory available");
        JsonObject disk = condition(node, "DiskPressure");
        assertThat(disk.getString("status")).isEqualTo("True");
        assertThat(disk.getString("reason")).isEqualTo("KubeletHasDiskPressure");
      });
      assertThat(condition(node, "Ready").getString("status")).isEqualTo("True");
      assertThat(kubectl.run("describe", "node", node).out())
          .containsPattern("MemoryPressure\\s+True\\s+.*KubeletHasInsufficientMemory")
          .containsPattern("DiskPressure\\s+True\\s+.*KubeletHasDiskPressure");
    } finally {
      Http.delete(SERVER.api("/api/v1/nodes/" + node));
    }
  }

  /**
   * The CPU rate of a node, pod or container in the summary; -1 while it has none (the first
   * sampling of it, as the kubelet's).
   */
  private static long nanoCores(JsonObject stats) {
    JsonObject cpu = stats.getJsonObject("cpu");
    return cpu == null || !cpu.containsKey("usageNanoCores") ? -1
        : cpu.getJsonNumber("usageNanoCores").longValue();
  }

  private static JsonObject condition(String node, String type) {
    return Http.json(Http.get(SERVER.api("/api/v1/nodes/" + node))).getJsonObject("status")
        .getJsonArray("conditions").getValuesAs(JsonObject.class).stream()
        .filter(c -> c.getString("type").equals(type)).findFirst().orElseThrow();
  }

  /**
   * A pod on the test's node. A busy loop is held to half a core (a CPU limit), so that the
   * other fork's classes on this 2-core machine keep a core, and well over the tenth asserted.
   */
  private static String pod(String name, String script) {
    String limits = script.contains("do :; done")
        ? ",\"resources\":{\"limits\":{\"cpu\":\"500m\"}}" : "";
    return """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s"},
         "spec":{"nodeName":"%s","terminationGracePeriodSeconds":0,
           "containers":[{"name":"main","image":"%s","command":["sh","-c","%s"]%s}]}}"""
        .formatted(name, NODE, NodeAgentIT.IMAGE, script, limits);
  }

  private static JsonObject pod(JsonObject summary, String namespace, String name) {
    return summary.getJsonArray("pods").getValuesAs(JsonObject.class).stream()
        .filter(p -> p.getJsonObject("podRef").getString("namespace").equals(namespace)
            && p.getJsonObject("podRef").getString("name").equals(name))
        .findFirst().orElseThrow(() -> new AssertionError("no pod " + namespace + "/" + name
            + " in the summary"));
  }

  private static JsonObject summary() throws Exception {
    HttpResponse<String> response = apiServer.send(request("/stats/summary"),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    return Json.createReader(new StringReader(response.body())).readObject();
  }

  private static PrometheusText metrics() throws Exception {
    HttpResponse<String> response = apiServer.send(request("/metrics/resource"),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/plain; version=0.0.4");
    return PrometheusText.parse(response.body());
  }

  private static PrometheusText cadvisor() throws Exception {
    HttpResponse<String> response = apiServer.send(request("/metrics/cadvisor"),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/plain; version=0.0.4");
    return PrometheusText.parse(response.body());
  }

  private static HttpRequest request(String path) {
    return HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + config.kubeletPort() + path))
        .timeout(Duration.ofSeconds(10)).build();
  }

  private static HttpClient client(SSLContext context) {
    return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5))
        .build();
  }
}
