package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.NodeAgent;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code kubectl debug} with the real kubectl and a real agent on Docker: ephemeral containers
 * are added through {@code pods/ephemeralcontainers}, start in the target container's process
 * namespace, show in the pod's status, {@code get -o yaml} and {@code describe}, and take
 * {@code logs} and an interactive session.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DebugIT {

  private static final TestServer SERVER = TestServer.SUITE;
  private static final String NODE = "it-dbg-" + UUID.randomUUID().toString().substring(0, 6);

  private static NodeAgent agent;
  private static String namespace;
  private final Kubectl kubectl = Kubectl.against(SERVER);

  @BeforeAll
  static void startAgentAndPod() throws Exception {
    Path dir = Files.createTempDirectory("capstan-agent-dbg");
    agent = NodeAgent.start(NodeAgentIT.config(NODE, Docker.host(),
        NodeAgentIT.freeKubeletPort(), dir));
    NodeAgentIT.keepOtherPodsAway(SERVER, NODE);
    namespace = SERVER.newNamespace();
    SERVER.create(namespace, "pods", """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"app"},
         "spec":{"nodeName":"%s","terminationGracePeriodSeconds":0,"containers":[{"name":"app",
           "image":"%s","command":["sleep","3600"]}]}}""".formatted(NODE, NodeAgentIT.IMAGE));
    await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(Kubectl.against(SERVER).run("get", "pod", "app", "-n", namespace).out())
            .containsPattern("(?m)^app\\s+1/1\\s+Running"));
  }

  @AfterAll
  static void stopAgent() {
    if (agent != null) {
      agent.close();
    }
    Docker.removeContainersOf(NODE);
  }

  @Test
  void aDebuggerSeesTheTargetsProcessesAndShowsInThePod() {
    Kubectl.Result debug = kubectl.run("debug", "app", "-n", namespace, "--image="
        + NodeAgentIT.IMAGE, "--target=app", "--", "sh", "-c", "ps; echo ok; sleep 300");
    assertThat(debug.exitCode()).as(debug.toString()).isZero();
    // kubectl names it debugger-xxxxx (it says so only when it attaches)
    String debugger = Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace
        + "/pods/app/ephemeralcontainers"))).getJsonObject("spec")
        .getJsonArray("ephemeralContainers").getValuesAs(JsonObject.class).stream()
        .filter(c -> c.toString().contains("echo ok")).findFirst().orElseThrow()
        .getString("name");
    assertThat(debugger).startsWith("debugger-");

    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(kubectl.run("logs", "app", "-c", debugger, "-n", namespace).out())
            .contains("ok").contains("sleep 3600"));
    // the agent reports the status after the container runs: the logs can come first
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      JsonObject status = Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace
          + "/pods/app"))).getJsonObject("status");
      assertThat(String.valueOf(status.get("ephemeralContainerStatuses")))
          .as("ephemeralContainerStatuses").contains("\"name\":\"" + debugger + "\"");
      JsonObject debuggerStatus = status.getJsonArray("ephemeralContainerStatuses")
          .getValuesAs(JsonObject.class).stream()
          .filter(c -> c.getString("name").equals(debugger)).findFirst().orElseThrow();
      assertThat(debuggerStatus.getJsonObject("state").keySet()).as("state").contains("running");
    });
    assertThat(kubectl.run("get", "pod", "app", "-n", namespace, "-o", "yaml").out())
        .contains("ephemeralContainers:").contains("targetContainerName: app")
        .contains("ephemeralContainerStatuses:");
    assertThat(kubectl.run("describe", "pod", "app", "-n", namespace).out())
        .contains("Ephemeral Containers:").contains(debugger);
  }

  @Test
  void anInteractiveDebuggerTakesInputAndAnswers() {
    Kubectl.Result session = kubectl.withInput("hello\n", "debug", "-i", "app", "-n", namespace,
        "--image=" + NodeAgentIT.IMAGE, "--target=app", "--", "sh", "-c",
        "read line; echo got $line");

    assertThat(session.out()).as(session.toString()).contains("got hello");
  }

  @Test
  void aTargetThatIsNotInThePodIsRefusedWithKubernetesMessage() {
    Kubectl.Result refused = kubectl.run("debug", "app", "-n", namespace, "--image="
        + NodeAgentIT.IMAGE, "--target=nope", "--", "true");

    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.err()).contains("is invalid")
        .contains("targetContainerName: Not found: \"nope\"");
  }
}
