package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.NodeAgent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code kubectl port-forward} as a user runs it, with the real kubectl and a real agent on
 * Docker: to a pod, a Service and a Deployment, two ports at once (one bound only to the pod's
 * 127.0.0.1), and 20 HTTP requests at the same time through one forward; over WebSocket (what
 * kubectl 1.31+ tries first) and over a direct SPDY upgrade (its fallback, and older clients').
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PortForwardIT {

  private static final TestServer SERVER = TestServer.SUITE;
  private static final String NODE = "it-pf-" + UUID.randomUUID().toString().substring(0, 6);
  private static final Pattern FORWARDING =
      Pattern.compile("Forwarding from 127\\.0\\.0\\.1:(\\d+) -> (\\d+)");

  private static NodeAgent agent;
  private static String namespace;
  private final Kubectl kubectl = Kubectl.against(SERVER);

  @BeforeAll
  static void startAgentAndWebServer() throws Exception {
    Path dir = Files.createTempDirectory("capstan-agent-pf");
    agent = NodeAgent.start(NodeAgentIT.config(NODE, Docker.host(),
        NodeAgentIT.freeKubeletPort(), dir));
    NodeAgentIT.keepOtherPodsAway(SERVER, NODE);
    namespace = SERVER.newNamespace();
    SERVER.create(namespace, "pods", pod("web"));
    SERVER.create(namespace, "services", """
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},
         "spec":{"selector":{"app":"web"},"ports":[{"port":8080,"targetPort":80}]}}""");
    assertThat(Http.postJson(SERVER.api("/apis/apps/v1/namespaces/" + namespace
        + "/deployments"), """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"webs"},
         "spec":{"replicas":1,"selector":{"matchLabels":{"app":"webs"}},
           "template":{"metadata":{"labels":{"app":"webs"}},"spec":%s}}}"""
        .formatted(podSpec())).statusCode()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(Kubectl.against(SERVER).run("get", "pods", "-n", namespace).out())
            .containsPattern("(?m)^web\\s+1/1\\s+Running")
            .containsPattern("(?m)^webs-\\S+\\s+1/1\\s+Running"));
  }

  /** busybox httpd on 80 (all addresses) and on 127.0.0.1:8081 only, answering its hostname. */
  private static String pod(String name) {
    return """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","labels":{"app":"web"}},
         "spec":%s}""".formatted(name, podSpec());
  }

  private static String podSpec() {
    String script = "mkdir -p /www && hostname > /www/index.html"
        + " && httpd -p 127.0.0.1:8081 -h /www && exec httpd -f -p 80 -h /www";
    return """
        {"nodeName":"%s","terminationGracePeriodSeconds":0,"containers":[{"name":"httpd",
           "image":"%s","command":["sh","-c","%s"]}]}"""
        .formatted(NODE, NodeAgentIT.IMAGE, script);
  }

  @AfterAll
  static void stopAgent() {
    if (agent != null) {
      agent.close();
    }
    Docker.removeContainersOf(NODE);
  }

  @Test
  void twoPortsOfAPodCarryTwentyConcurrentRequestsIncludingAPortOnlyOnItsLoopback()
      throws Exception {
    Process forward = kubectl.start("port-forward", "-v=4", "-n", namespace, "pod/web", ":80",
        ":8081");
    try {
      List<Integer> ports = localPorts(forward, 2);
      assertThat(output.get(forward)).as("kubectl took the WebSocket path, without falling back")
          .contains("negotiated protocol: portforward.k8s.io")
          .doesNotContain("fallback to secondary dialer");

      assertThat(get(ports.get(0))).contains("200 OK").endsWith("web\n");
      assertThat(get(ports.get(1))).contains("200 OK").endsWith("web\n");
      ExecutorService clients = Executors.newFixedThreadPool(20);
      try {
        List<Future<String>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          int port = ports.get(i % 2);
          answers.add(clients.submit(() -> get(port)));
        }
        for (Future<String> answer : answers) {
          assertThat(answer.get()).contains("200 OK").endsWith("web\n");
        }
      } finally {
        clients.shutdownNow();
      }
    } finally {
      forward.destroy();
    }
  }

  @Test
  void aServiceAndADeploymentForwardToOneOfTheirPods() throws Exception {
    Process service = kubectl.start("port-forward", "-n", namespace, "svc/web", ":8080");
    try {
      assertThat(get(localPorts(service, 1).get(0))).contains("200 OK").endsWith("web\n");
    } finally {
      service.destroy();
    }
    Process deployment = kubectl.start("port-forward", "-n", namespace, "deployment/webs", ":80");
    try {
      assertThat(get(localPorts(deployment, 1).get(0))).contains("200 OK")
          .containsPattern("webs-\\S+\n$");
    } finally {
      deployment.destroy();
    }
  }

  @Test
  void clientsThatUpgradeToSpdyDirectlyAreServedToo() throws Exception {
    // kubectl up to 1.30, and client-go programs that use the SPDY dialer
    Process forward = kubectl.startWithEnvironment(
        java.util.Map.of("KUBECTL_PORT_FORWARD_WEBSOCKETS", "false"),
        "port-forward", "-n", namespace, "pod/web", ":80");
    try {
      assertThat(get(localPorts(forward, 1).get(0))).contains("200 OK").endsWith("web\n");
    } finally {
      forward.destroy();
    }
  }

  @Test
  void clientLibrariesWebSocketChannelsCarryAPortsBytes() throws Exception {
    java.util.concurrent.LinkedBlockingQueue<byte[]> messages =
        new java.util.concurrent.LinkedBlockingQueue<>();
    java.net.http.WebSocket socket = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
        .header("Authorization", "Bearer " + Http.token())
        .subprotocols("v4.channel.k8s.io")
        .buildAsync(java.net.URI.create(SERVER.api("/api/v1/namespaces/" + namespace
            + "/pods/web/portforward?ports=80").toString().replace("http:", "ws:")),
            new java.net.http.WebSocket.Listener() {
              private final java.io.ByteArrayOutputStream message =
                  new java.io.ByteArrayOutputStream();

              @Override
              public java.util.concurrent.CompletionStage<?> onBinary(
                  java.net.http.WebSocket webSocket, java.nio.ByteBuffer data, boolean last) {
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                message.writeBytes(bytes);
                if (last) {
                  messages.add(message.toByteArray());
                  message.reset();
                }
                webSocket.request(1);
                return null;
              }
            }).get(15, java.util.concurrent.TimeUnit.SECONDS);
    try {
      assertThat(socket.getSubprotocol()).isEqualTo("v4.channel.k8s.io");
      byte[] request = "\0GET /index.html HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
      socket.sendBinary(java.nio.ByteBuffer.wrap(request), true).get(5,
          java.util.concurrent.TimeUnit.SECONDS);

      assertThat(messages.poll(10, java.util.concurrent.TimeUnit.SECONDS))
          .as("the data channel's first frame: the port").containsExactly(0, 80, 0);
      assertThat(messages.poll(10, java.util.concurrent.TimeUnit.SECONDS))
          .as("the error channel's first frame: the port").containsExactly(1, 80, 0);
      StringBuilder answer = new StringBuilder();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!answer.toString().endsWith("web\n") && System.nanoTime() < deadline) {
        byte[] message = messages.poll(1, java.util.concurrent.TimeUnit.SECONDS);
        if (message != null && message[0] == 0) {
          answer.append(new String(message, 1, message.length - 1, StandardCharsets.UTF_8));
        }
      }
      assertThat(answer.toString()).contains("200 OK").endsWith("web\n");
    } finally {
      socket.abort();
    }
  }

  @Test
  void aPortNobodyListensOnEndsTheForwardWithKubernetesError() throws Exception {
    Process forward = kubectl.start("port-forward", "-n", namespace, "pod/web", ":9999");
    try {
      int port = localPorts(forward, 1).get(0);
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.getInputStream().readAllBytes();
      } catch (IOException e) {
        // kubectl may close the connection either way
      }
      String output = Kubectl.readUntil(forward, "error forwarding port 9999",
          Duration.ofSeconds(15));
      assertThat(output).contains("error forwarding port 9999 to pod " + namespace + "/web");
    } finally {
      forward.destroy();
    }
  }

  /** The local ports kubectl listens on, once it says it is forwarding. */
  private static final java.util.Map<Process, String> output =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static List<Integer> localPorts(Process forward, int count) throws Exception {
    StringBuilder output = new StringBuilder();
    InputStream in = forward.getInputStream();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    List<Integer> ports = new ArrayList<>();
    while (ports.size() < count && System.nanoTime() < deadline && forward.isAlive()) {
      if (in.available() > 0) {
        output.append(new String(in.readNBytes(in.available()), StandardCharsets.UTF_8));
        ports.clear();
        Matcher matcher = FORWARDING.matcher(output);
        while (matcher.find()) {
          ports.add(Integer.parseInt(matcher.group(1)));
        }
      } else {
        Thread.sleep(50);
      }
    }
    PortForwardIT.output.put(forward, output.toString());
    assertThat(ports).as("kubectl port-forward said: " + output).hasSize(count);
    return ports;
  }

  /** One HTTP/1.0 request on its own connection; the whole answer. */
  private static String get(int port) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(15_000);
      OutputStream out = socket.getOutputStream();
      out.write("GET /index.html HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
