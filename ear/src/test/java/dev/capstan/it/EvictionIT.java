package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.AgentConfig;
import dev.capstan.agent.NodeAgent;
import dev.capstan.agent.stats.CgroupLayout;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The kubelet's eviction under memory pressure, forced on a real agent on the real Docker
 * engine and seen as a user sees it: a BestEffort pod fills a memory-backed emptyDir, the
 * node's {@code MemoryPressure} turns True and the node gets the
 * {@code node.kubernetes.io/memory-pressure:NoSchedule} taint, the BestEffort pod is evicted
 * (phase Failed, reason {@code Evicted}, the kubelet's message, a Warning event, {@code kubectl
 * describe} and {@code kubectl get pods} as on Kubernetes 1.32) while a Guaranteed pod beside
 * it keeps running, and once the memory is back the condition and the taint go after the
 * pressure transition period.
 *
 * <p>How the pressure is made on a shared machine of 24 GB: the agent's {@code memory.available}
 * is the machine's memory minus its working set (the root cgroup's usage less inactive file
 * pages), so no test can make the real default (100Mi) be met. The test agent gets a threshold
 * of what is available when it starts less {@value #MARGIN_MIB} MiB, and the BestEffort pod
 * writes {@value #FILL_MIB} MiB into its tmpfs: the pressure appears only once the pod has
 * written, unless the rest of the machine took {@value #MARGIN_MIB} MiB more meanwhile, and it
 * appears even if the rest of the machine freed up to {@value #FILL_MIB} - {@value #MARGIN_MIB}
 * MiB. The test checks that no pressure is reported before the pod writes, so a noisy machine
 * fails the precondition, not the assertion about who is evicted.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class EvictionIT {

  private static final TestServer SERVER = TestServer.SUITE;
  private static final String NODE = "it-evict-" + UUID.randomUUID().toString().substring(0, 6);
  private static final long MIB = 1L << 20;
  /** How far under the memory available at start the threshold is. */
  private static final long MARGIN_MIB = 1024;
  /** What the BestEffort pod writes into its memory-backed emptyDir. */
  private static final long FILL_MIB = 3072;

  private static NodeAgent agent;
  private static Path agentDir;
  private static String threshold;
  private final Kubectl kubectl = Kubectl.against(SERVER);

  @BeforeAll
  static void startAgent() throws Exception {
    long available = memoryAvailable();
    threshold = (available / MIB - MARGIN_MIB) + "Mi";
    agentDir = Files.createTempDirectory("capstan-agent-evict");
    AgentConfig config = NodeAgentIT.config(NODE, Docker.host(), NodeAgentIT.freeKubeletPort(),
        agentDir);
    // read by the agent when it starts; cleared at once, so agents started later keep defaults
    System.setProperty("capstan.eviction-hard", "memory.available<" + threshold);
    System.setProperty("capstan.eviction-pressure-transition-period", "30s");
    try {
      agent = NodeAgent.start(config, false);
    } finally {
      System.clearProperty("capstan.eviction-hard");
      System.clearProperty("capstan.eviction-pressure-transition-period");
    }
    NodeAgentIT.keepOtherPodsAway(SERVER, NODE);
    System.out.printf("EvictionIT: %d MiB available, threshold memory.available<%s%n",
        available / MIB, threshold);
  }

  @AfterAll
  static void stopAgent() {
    if (agent != null) {
      agent.close();
    }
    Docker.removeContainersOf(NODE);
    // a failed run may leave the filler's tmpfs mounted: give its gigabytes back to the machine
    unmountUnder(agentDir);
    Http.delete(SERVER.api("/api/v1/nodes/" + NODE));
  }

  @Test
  void theBestEffortPodIsEvictedFirstWhenTheNodeRunsLowOnMemory() {
    String namespace = SERVER.newNamespace();
    SERVER.create(namespace, "pods", guaranteedPod("steady"));
    SERVER.create(namespace, "pods", bestEffortPodWithMemoryVolume("filler"));
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(kubectl.run("get", "pods", "-n", namespace).out())
            .containsPattern("(?m)^filler\\s+1/1\\s+Running")
            .containsPattern("(?m)^steady\\s+1/1\\s+Running"));
    assertThat(kubectl.run("get", "pod", "steady", "-n", namespace, "-o",
        "jsonpath={.status.qosClass}").out()).isEqualTo("Guaranteed");
    assertThat(kubectl.run("get", "pod", "filler", "-n", namespace, "-o",
        "jsonpath={.status.qosClass}").out()).isEqualTo("BestEffort");
    // the agent has sampled and its eviction manager looked at least once, with no pressure
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(condition("MemoryPressure").getString("status")).isEqualTo("False"));
    assertThat(phase(namespace, "filler")).as("nothing evicted before the pod used memory")
        .isEqualTo("Running");

    long filling = System.nanoTime();
    // dd ends by itself (status 0), or is killed with its pod if the eviction comes first
    Kubectl.Result filled = kubectl.run("exec", "filler", "-n", namespace, "--", "dd",
        "if=/dev/zero", "of=/cache/fill", "bs=1M", "count=" + FILL_MIB);
    System.out.println("EvictionIT: dd exited with " + filled.exitCode());

    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      JsonObject pressure = condition("MemoryPressure");
      assertThat(pressure.getString("status")).as("MemoryPressure after " + filled).isEqualTo(
          "True");
      assertThat(pressure.getString("reason")).isEqualTo("KubeletHasInsufficientMemory");
      assertThat(pressure.getString("message")).isEqualTo(
          "kubelet has insufficient memory available");
    });
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
        assertThat(kubectl.run("get", "node", NODE, "-o",
            "jsonpath={range .spec.taints[*]}{.key}:{.effect}{\"\\n\"}{end}").out())
            .contains("node.kubernetes.io/memory-pressure:NoSchedule"));

    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
        assertThat(phase(namespace, "filler")).isEqualTo("Failed"));
    double evictedAfter = (System.nanoTime() - filling) / 1e9;
    JsonObject filler = pod(namespace, "filler");
    JsonObject status = filler.getJsonObject("status");
    assertThat(status.getString("reason")).isEqualTo("Evicted");
    String message = status.getString("message");
    assertThat(message).startsWith("The node was low on resource: memory. Threshold quantity: "
        + threshold + ", available: ");
    assertThat(message).containsPattern("Container main was using \\d+(Ki|Mi|Gi), request is 0,"
        + " has larger consumption of memory. $");
    assertThat(status.getJsonArray("conditions").getValuesAs(JsonObject.class))
        .anySatisfy(c -> {
          assertThat(c.getString("type")).isEqualTo("DisruptionTarget");
          assertThat(c.getString("status")).isEqualTo("True");
          assertThat(c.getString("reason")).isEqualTo("TerminationByKubelet");
        });
    assertThat(phase(namespace, "steady")).as("the Guaranteed pod keeps running")
        .isEqualTo("Running");

    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
        assertThat(kubectl.run("get", "events", "-n", namespace, "--field-selector",
            "involvedObject.name=filler,reason=Evicted").out())
            .containsPattern("Warning\\s+Evicted\\s+pod/filler\\s+The node was low on resource:"
                + " memory\\."));
    // kubectl get pods shows a container's termination reason before the pod's (printPod), so
    // an evicted pod whose killed container is reported reads Error, as on Kubernetes since 1.22
    // (kubernetes/kubernetes#105467); the pod's own reason is in its status and in describe
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
        assertThat(kubectl.run("get", "pods", "-n", namespace).out())
            .containsPattern("(?m)^filler\\s+0/1\\s+Error\\s")
            .containsPattern("(?m)^steady\\s+1/1\\s+Running\\s"));
    assertThat(kubectl.run("get", "pods", "-n", namespace, "-o",
        "custom-columns=NAME:.metadata.name,PHASE:.status.phase,REASON:.status.reason").out())
        .containsPattern("(?m)^filler\\s+Failed\\s+Evicted$")
        .containsPattern("(?m)^steady\\s+Running\\s+<none>$");
    assertThat(kubectl.run("get", "pod", "filler", "-n", namespace, "-o",
        "jsonpath={.status.containerStatuses[0].state.terminated.exitCode}").out())
        .as("killed after the hard eviction's 1 s grace").isIn("137", "143");
    Kubectl.Result described = kubectl.run("describe", "pod", "filler", "-n", namespace);
    assertThat(described.exitCode()).as(described.toString()).isZero();
    assertThat(described.out())
        .containsPattern("(?m)^Status:\\s+Failed$")
        .containsPattern("(?m)^Reason:\\s+Evicted$")
        .containsPattern("(?m)^Message:\\s+The node was low on resource: memory\\. Threshold"
            + " quantity: " + threshold)
        .containsPattern("(?m)^QoS Class:\\s+BestEffort$")
        .containsPattern("Warning\\s+Evicted\\s+\\S+\\s+\\S+\\s+The node was low on resource:"
            + " memory\\.");

    // the filler's memory is given back when its volume goes: no one else is evicted, and after
    // the transition period (30 s here, 5 min by default) the condition and the taint go
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      assertThat(condition("MemoryPressure").getString("status")).isEqualTo("False");
      assertThat(kubectl.run("get", "node", NODE, "-o", "jsonpath={.spec.taints}").out())
          .doesNotContain("node.kubernetes.io/memory-pressure");
    });
    assertThat(phase(namespace, "steady")).as("the Guaranteed pod kept running")
        .isEqualTo("Running");
    assertThat(kubectl.run("get", "pods", "-n", namespace).out())
        .containsPattern("(?m)^steady\\s+1/1\\s+Running\\s+0\\s");
    System.out.printf("EvictionIT: the BestEffort pod was evicted %.1f s after it had written"
        + " %d MiB: %s%n", evictedAfter, FILL_MIB, message.strip());
  }

  /** memory.available as the agent computes it: capacity less the root cgroup's working set. */
  private static long memoryAvailable() throws IOException {
    CgroupLayout layout = CgroupLayout.detect().orElseThrow(() -> new IllegalStateException(
        "no cgroup hierarchy under /sys/fs/cgroup: the agent cannot measure memory"));
    return layout.memoryCapacity() - layout.nodeMemory().workingSetBytes();
  }

  private JsonObject pod(String namespace, String name) {
    return Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace + "/pods/" + name)));
  }

  private String phase(String namespace, String name) {
    return pod(namespace, name).getJsonObject("status").getString("phase", "");
  }

  private static JsonObject condition(String type) {
    return Http.json(Http.get(SERVER.api("/api/v1/nodes/" + NODE))).getJsonObject("status")
        .getJsonArray("conditions").getValuesAs(JsonObject.class).stream()
        .filter(c -> c.getString("type").equals(type)).findFirst().orElseThrow();
  }

  private static String guaranteedPod(String name) {
    return """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s"},
         "spec":{"nodeName":"%s","terminationGracePeriodSeconds":0,
           "containers":[{"name":"main","image":"%s","command":["sleep","3600"],
             "resources":{"requests":{"cpu":"50m","memory":"32Mi"},
                          "limits":{"cpu":"50m","memory":"32Mi"}}}]}}"""
        .formatted(name, NODE, NodeAgentIT.IMAGE);
  }

  private static String bestEffortPodWithMemoryVolume(String name) {
    return """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s"},
         "spec":{"nodeName":"%s","terminationGracePeriodSeconds":0,
           "volumes":[{"name":"cache","emptyDir":{"medium":"Memory"}}],
           "containers":[{"name":"main","image":"%s","command":["sleep","3600"],
             "volumeMounts":[{"name":"cache","mountPath":"/cache"}]}]}}"""
        .formatted(name, NODE, NodeAgentIT.IMAGE);
  }

  /** Unmounts what is still mounted under {@code dir} (deepest first). */
  private static void unmountUnder(Path dir) {
    if (dir == null) {
      return;
    }
    try {
      List<String> mounts = Files.readAllLines(Path.of("/proc/mounts"), StandardCharsets.UTF_8)
          .stream().map(line -> line.split(" ")[1])
          .filter(point -> point.startsWith(dir.toString()))
          .sorted((a, b) -> b.length() - a.length()).toList();
      for (String point : mounts) {
        Process umount = new ProcessBuilder("umount", point).redirectErrorStream(true).start();
        umount.getInputStream().readAllBytes();
        umount.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      System.out.println("EvictionIT: cannot read or unmount the mounts under " + dir + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
