package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.NodeAgent;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Nothing a pod does waits behind another pod on the same node: pods that take their whole
 * grace period to stop (they ignore SIGTERM) neither keep a new pod from starting and becoming
 * Ready, nor stall other pods' probes when a liveness probe kills them, and they are gone when
 * their grace period is over. Real agent, real Docker, real kubectl; the bounds are generous and
 * only prove "does not wait behind" (the figures are printed).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PodWorkersIT {

  private static final TestServer SERVER = TestServer.SUITE;
  private static final String IMAGE = NodeAgentIT.IMAGE;
  private static final String NODE = "it-pw-" + UUID.randomUUID().toString().substring(0, 6);
  /** A container that ignores SIGTERM: only SIGKILL, at the end of its grace period, stops it. */
  private static final String STUBBORN = "trap \\\"\\\" TERM; touch /tmp/alive;"
      + " while true; do sleep 1; done";

  private static NodeAgent agent;
  private final Kubectl kubectl = Kubectl.against(SERVER);

  @BeforeAll
  static void startAgent() throws Exception {
    agent = NodeAgent.start(NodeAgentIT.config(NODE, Docker.host(),
        NodeAgentIT.freeKubeletPort(), Files.createTempDirectory("capstan-agent-pw")), false);
    NodeAgentIT.keepOtherPodsAway(SERVER, NODE);
  }

  @AfterAll
  static void stopAgent() {
    if (agent != null) {
      agent.close();
    }
    Docker.removeContainersOf(NODE);
  }

  @Test
  void aNewPodIsReadyWithinSecondsWhileTwelvePodsTakeTheirGracePeriodToStop() {
    String namespace = SERVER.newNamespace();
    for (int i = 0; i < 12; i++) {
      SERVER.create(namespace, "pods", stubbornPod("stubborn-" + i, 40, ""));
    }
    awaitRunning(namespace, 12, Duration.ofSeconds(90));

    long deleting = System.nanoTime();
    Kubectl.Result deleted = kubectl.run("delete", "pods", "--all", "-n", namespace,
        "--wait=false");
    assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
    SERVER.create(namespace, "pods", """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"fresh"},
         "spec":{"nodeName":"%s","containers":[{"name":"main","image":"%s",
           "command":["sleep","3600"],
           "readinessProbe":{"exec":{"command":["true"]},"periodSeconds":1}}]}}"""
        .formatted(NODE, IMAGE));
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> assertThat(kubectl.run("get", "pod", "fresh", "-n", namespace).out())
            .containsPattern("(?m)^fresh\\s+1/1\\s+Running"));
    double ready = seconds(deleting);

    await().atMost(Duration.ofSeconds(40 + 15)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(podNames(namespace)).containsExactly("fresh"));
    double gone = seconds(deleting);
    System.out.printf("PodWorkersIT: new pod Ready %.1f s after 12 pods (grace 40 s) began"
        + " terminating; the 12 gone after %.1f s%n", ready, gone);
    assertThat(gone).as("the 12 waited out their grace period before SIGKILL")
        .isGreaterThan(35);
    assertThat(Docker.containerIds(NODE, namespace, "stubborn-0")).isEmpty();
  }

  @Test
  void aLivenessKillOfSlowToDieContainersDoesNotDelayAnotherPodsReadiness() {
    String namespace = SERVER.newNamespace();
    String liveness = """
        ,"livenessProbe":{"exec":{"command":["test","-f","/tmp/alive"]},"initialDelaySeconds":2,
          "periodSeconds":1,
          "failureThreshold":1}""";
    for (int i = 0; i < 5; i++) {
      SERVER.create(namespace, "pods", stubbornPod("slow-" + i, 30, liveness));
    }
    awaitRunning(namespace, 5, Duration.ofSeconds(60));

    long killing = System.nanoTime();
    for (int i = 0; i < 5; i++) {
      Docker.exec(Docker.containerOf(NODE, namespace, "slow-" + i, "main"), "rm", "/tmp/alive");
    }
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(kubectl.run("describe", "pod", "slow-0", "-n", namespace).out())
            .containsPattern("Normal\\s+Killing\\s+.*Container main failed liveness probe"));
    SERVER.create(namespace, "pods", """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"probed"},
         "spec":{"nodeName":"%s","containers":[{"name":"main","image":"%s",
           "command":["sleep","3600"],
           "readinessProbe":{"exec":{"command":["true"]},"periodSeconds":1}}]}}"""
        .formatted(NODE, IMAGE));
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> assertThat(kubectl.run("get", "pod", "probed", "-n", namespace)
            .out()).containsPattern("(?m)^probed\\s+1/1\\s+Running"));
    double ready = seconds(killing);

    await().atMost(Duration.ofSeconds(30 + 15)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(kubectl.run("get", "pod", "slow-0", "-n", namespace)
            .out()).containsPattern("(?m)^slow-0\\s+1/1\\s+Running\\s+1"));
    double restarted = seconds(killing);
    System.out.printf("PodWorkersIT: while 5 liveness kills wait out 30 s, another pod Ready"
        + " after %.1f s; the killed container restarted after %.1f s%n", ready, restarted);
    assertThat(restarted).as("the liveness kill waited out the grace period before SIGKILL")
        .isGreaterThan(25);
  }

  @Test
  void fiveNamespacesWithStubbornDeploymentsAreDeletedWithinAboutTheirGracePeriod() {
    List<String> namespaces = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String namespace = SERVER.newNamespace();
      namespaces.add(namespace);
      var created = Http.postJson(SERVER.api("/apis/apps/v1/namespaces/" + namespace
          + "/deployments"), """
          {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"stubborn"},
           "spec":{"replicas":3,"selector":{"matchLabels":{"app":"stubborn"}},
            "template":{"metadata":{"labels":{"app":"stubborn"}},
             "spec":{"terminationGracePeriodSeconds":20,
              "nodeSelector":{"kubernetes.io/hostname":"%s"},
              "tolerations":[{"key":"capstan.dev/test-agent","operator":"Exists"}],
              "containers":[{"name":"main","image":"%s","command":["sh","-c","%s"]}]}}}}"""
          .formatted(NODE, IMAGE, STUBBORN));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }
    for (String namespace : namespaces) {
      awaitRunning(namespace, 3, Duration.ofSeconds(90));
    }

    long deleting = System.nanoTime();
    List<String> command = new ArrayList<>(List.of("delete", "namespace", "--wait=false"));
    command.addAll(namespaces);
    Kubectl.Result deleted = kubectl.run(command.toArray(String[]::new));
    assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
    await().atMost(Duration.ofSeconds(20 + 25)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> {
          for (String namespace : namespaces) {
            assertThat(Http.get(SERVER.api("/api/v1/namespaces/" + namespace)).statusCode())
                .as("namespace " + namespace).isEqualTo(404);
          }
        });
    System.out.printf("PodWorkersIT: 5 namespaces with 3 pods each (grace 20 s) deleted after"
        + " %.1f s%n", seconds(deleting));
  }

  private static String stubbornPod(String name, int grace, String probe) {
    return """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s"},
         "spec":{"nodeName":"%s","terminationGracePeriodSeconds":%d,
           "containers":[{"name":"main","image":"%s","command":["sh","-c","%s"]%s}]}}"""
        .formatted(name, NODE, grace, IMAGE, STUBBORN, probe);
  }

  private void awaitRunning(String namespace, int count, Duration within) {
    await().atMost(within).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(kubectl.run("get", "pods", "-n", namespace, "--no-headers").out().lines()
            .filter(line -> line.matches("\\S+\\s+1/1\\s+Running\\s+.*")).count())
            .isEqualTo(count));
  }

  private static List<String> podNames(String namespace) {
    return Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace + "/pods")))
        .getJsonArray("items").getValuesAs(jakarta.json.JsonObject.class).stream()
        .map(pod -> pod.getJsonObject("metadata").getString("name")).toList();
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
