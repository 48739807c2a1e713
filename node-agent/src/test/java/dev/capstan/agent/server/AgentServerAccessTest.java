package dev.capstan.agent.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.agent.AgentConfig;
import dev.capstan.contract.tls.PemTls;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's endpoint lets only the API server's client certificate through: none is 401,
 * another identity's 403, another CA's a failed handshake. (Past the gate, the handlers need
 * Docker; a malformed path shows the gate was passed without reaching it.)
 */
class AgentServerAccessTest {

  @TempDir
  static Path dir;
  private static TestCa ca;
  private static AgentServer server;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    ca = new TestCa(dir);
    ca.issue("serving", "/CN=system:node:n1", "subjectAltName=DNS:n1,IP:127.0.0.1\n"
        + "extendedKeyUsage=serverAuth\n");
    ca.issue("apiserver", "/O=system:masters/CN=" + PemTls.KUBELET_CLIENT_NAME,
        "extendedKeyUsage=clientAuth\n");
    ca.issue("node", "/O=system:nodes/CN=system:node:n1", "extendedKeyUsage=clientAuth\n");
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    AgentConfig config = new AgentConfig("https://127.0.0.1:1", "token", Optional.empty(), true,
        "n1", "127.0.0.1", "unix:///nowhere", Optional.empty(), "", "", "pause", dir, 110,
        Duration.ofSeconds(10), Duration.ofSeconds(10), port, Optional.empty(),
        Optional.empty());
    server = new AgentServer(config, new ServingTls("127.0.0.1", dir.resolve("serving.crt"),
        dir.resolve("serving.key"), ca.ca()), null);
    server.start();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void withoutAClientCertificateItIsUnauthorized() throws Exception {
    HttpResponse<String> response = get(PemTls.context(Optional.empty(), Optional.empty(),
        ca.ca()), "/containerLogs/ns/pod/c");
    assertThat(response.statusCode()).isEqualTo(401);
    HttpResponse<String> exec = get(PemTls.context(Optional.empty(), Optional.empty(), ca.ca()),
        "/exec/ns/pod/c?command=id");
    assertThat(exec.statusCode()).isEqualTo(401);
  }

  @Test
  void anotherIdentityOfTheCaIsForbidden() throws Exception {
    HttpResponse<String> response = get(context("node"), "/containerLogs/ns/pod/c");
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).contains(
        "Forbidden (user=system:node:n1, verb=get, resource=nodes, subresource=proxy)");
  }

  @Test
  void theApiServerPassesAndHealthIsOpen() throws Exception {
    HttpResponse<String> response = get(context("apiserver"), "/containerLogs/ns/pod");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("expected /containerLogs/<namespace>/<pod>/<container>");
    assertThat(get(PemTls.context(Optional.empty(), Optional.empty(), ca.ca()), "/healthz")
        .statusCode()).isEqualTo(200);
  }

  @Test
  void resourceFiguresAreBehindTheSameGateAndNamedBySubresource() throws Exception {
    SSLContext none = PemTls.context(Optional.empty(), Optional.empty(), ca.ca());
    assertThat(get(none, "/stats/summary").statusCode()).isEqualTo(401);
    assertThat(get(none, "/metrics/resource").statusCode()).isEqualTo(401);
    HttpResponse<String> summary = get(context("node"), "/stats/summary");
    assertThat(summary.statusCode()).isEqualTo(403);
    assertThat(summary.body()).contains(
        "Forbidden (user=system:node:n1, verb=get, resource=nodes, subresource=stats)");
    HttpResponse<String> metrics = get(context("node"), "/metrics/resource");
    assertThat(metrics.statusCode()).isEqualTo(403);
    assertThat(metrics.body()).contains("subresource=metrics)");
    // this server samples nothing (CAPSTAN_STATS=off)
    HttpResponse<String> off = get(context("apiserver"), "/stats/summary");
    assertThat(off.statusCode()).isEqualTo(404);
    assertThat(off.body()).contains("does not sample resources");
  }

  @Test
  void aSamplingIsServedAsSummaryAndPrometheusText() throws Exception {
    int samplingPort;
    try (ServerSocket free = new ServerSocket(0)) {
      samplingPort = free.getLocalPort();
    }
    AgentConfig config = new AgentConfig("https://127.0.0.1:1", "token", Optional.empty(), true,
        "n1", "127.0.0.1", "unix:///nowhere", Optional.empty(), "", "", "pause", dir, 110,
        Duration.ofSeconds(10), Duration.ofSeconds(10), samplingPort, Optional.empty(),
        Optional.empty());
    java.time.Instant now = java.time.Instant.now();
    var sampling = new dev.capstan.agent.stats.ResourceStats(
        new dev.capstan.agent.stats.ResourceStats.NodeStats("n1", now,
            new dev.capstan.agent.stats.ResourceStats.Cpu(now, 250_000_000L, 9_000_000_000L),
            null), java.util.List.of(), false);
    AgentServer sampled = new AgentServer(config, new ServingTls("127.0.0.1",
        dir.resolve("serving.crt"), dir.resolve("serving.key"), ca.ca()), null,
        () -> Optional.of(sampling));
    sampled.start();
    try {
      HttpClient client = HttpClient.newBuilder().sslContext(context("apiserver")).build();
      HttpResponse<String> summary = client.send(HttpRequest.newBuilder(URI.create(
          "https://127.0.0.1:" + samplingPort + "/stats/summary")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(summary.statusCode()).isEqualTo(200);
      assertThat(summary.headers().firstValue("Content-Type")).contains("application/json");
      assertThat(summary.body()).contains("\"usageNanoCores\" : 250000000");
      HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(URI.create(
          "https://127.0.0.1:" + samplingPort + "/metrics/resource")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type").orElseThrow())
          .startsWith("text/plain; version=0.0.4");
      assertThat(metrics.body()).contains("node_cpu_usage_seconds_total 9.0 ");
      HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(
          "https://127.0.0.1:" + samplingPort + "/stats/summary"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
    } finally {
      sampled.close();
    }
  }

  @Test
  void aCertificateOfAnotherCaFailsTheHandshake() throws Exception {
    TestCa other = new TestCa(java.nio.file.Files.createTempDirectory(dir, "other"));
    other.issue("apiserver", "/CN=" + PemTls.KUBELET_CLIENT_NAME, "extendedKeyUsage=clientAuth\n");
    SSLContext foreign = PemTls.context(Optional.of(other.dir.resolve("apiserver.crt")),
        Optional.of(other.dir.resolve("apiserver.key")), ca.ca());
    assertThatThrownBy(() -> get(foreign, "/containerLogs/ns/pod/c"))
        .isInstanceOf(java.io.IOException.class);
  }

  private static SSLContext context(String name) throws Exception {
    return PemTls.context(Optional.of(dir.resolve(name + ".crt")),
        Optional.of(dir.resolve(name + ".key")), ca.ca());
  }

  private static HttpResponse<String> get(SSLContext context, String path) throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(context)
        .connectTimeout(Duration.ofSeconds(5)).build();
    return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
