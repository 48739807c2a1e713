package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.AgentConfig;
import dev.capstan.agent.NodeAgent;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The horizontal pod autoscaler as users meet it, with a real agent on the real Docker engine
 * and real kubectl: {@code kubectl autoscale} on a CPU-bound Deployment (100m requested, a shell
 * spinning up to its 300m limit, so that three of them leave the other fork's classes most of
 * this 2-core machine) scales it from 1 to 3 replicas, and back to 1 once the load stops (its
 * scale-down stabilisation window shortened in the autoscaler's {@code behavior}, the default
 * being 300 s); {@code kubectl get hpa} shows the TARGETS, {@code kubectl describe hpa} the
 * conditions and the SuccessfulRescale event. Prints the reaction time from load start to the
 * new replicas Ready.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HorizontalPodAutoscalerIT {

  private static final TestServer SERVER = TestServer.SUITE;
  private static final String NODE = "it-hpa-" + UUID.randomUUID().toString().substring(0, 6);

  private static NodeAgent agent;
  private final Kubectl kubectl = Kubectl.against(SERVER);

  @BeforeAll
  static void startAgent() throws Exception {
    AgentConfig config = NodeAgentIT.config(NODE, Docker.host(), NodeAgentIT.freeKubeletPort(),
        Files.createTempDirectory("capstan-agent-hpa"));
    agent = NodeAgent.start(config, false);
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
  void aCpuBoundDeploymentIsScaledUpToThreeAndBackDownWhenTheLoadStops() {
    String ns = SERVER.newNamespace();
    // each pod spins a core until /tmp/stop exists, then idles
    create("/apis/apps/v1/namespaces/" + ns + "/deployments", deployment("burner",
        "while [ ! -f /tmp/stop ]; do :; done; exec sleep 3600"));
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(kubectl.run("get", "deployment", "burner", "-n", ns).out())
            .containsPattern("(?m)^burner\\s+1/1\\s"));
    long loadStarted = System.nanoTime();

    Kubectl.Result autoscale = kubectl.run("autoscale", "deployment", "burner", "-n", ns,
        "--cpu-percent=50", "--min=1", "--max=3");
    assertThat(autoscale.exitCode()).as(autoscale.toString()).isZero();
    assertThat(autoscale.out()).contains("horizontalpodautoscaler.autoscaling/burner autoscaled");
    // the scale-down window shortened for the test (300 s by default)
    Kubectl.Result patched = kubectl.run("patch", "hpa", "burner", "-n", ns, "--type=merge",
        "-p", "{\"spec\":{\"behavior\":{\"scaleDown\":{\"stabilizationWindowSeconds\":15}}}}");
    assertThat(patched.exitCode()).as(patched.toString()).isZero();

    Kubectl.Result first = kubectl.run("get", "hpa", "burner", "-n", ns);
    assertThat(first.out()).as(first.toString())
        .containsPattern("(?m)^NAME\\s+REFERENCE\\s+TARGETS\\s+MINPODS\\s+MAXPODS\\s+REPLICAS"
            + "\\s+AGE\\s*$")
        .containsPattern("(?m)^burner\\s+Deployment/burner\\s+cpu: (<unknown>|\\d+%)/50%\\s+1"
            + "\\s+3\\s+\\d+\\s+\\S+\\s*$");

    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
        assertThat(kubectl.run("get", "deployment", "burner", "-n", ns).out())
            .containsPattern("(?m)^burner\\s+3/3\\s"));
    double upSeconds = (System.nanoTime() - loadStarted) / 1e9;
    System.out.printf("HorizontalPodAutoscalerIT: 3 replicas Ready %.1f s after the load"
        + " started (1 pod spinning, target 50%% of 100m)%n", upSeconds);

    // the status counts the new replicas from the sync after the rescale on
    await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      Kubectl.Result table = kubectl.run("get", "hpa", "-n", ns);
      assertThat(table.out()).as(table.toString()).containsPattern(
          "(?m)^burner\\s+Deployment/burner\\s+cpu: \\d+%/50%\\s+1\\s+3\\s+3\\s+\\S+\\s*$");
    });
    Kubectl.Result described = kubectl.run("describe", "hpa", "burner", "-n", ns);
    assertThat(described.exitCode()).as(described.toString()).isZero();
    assertThat(described.out()).as(described.out())
        .containsPattern("Reference:\\s+Deployment/burner")
        .containsPattern("resource cpu on pods\\s+\\(as a percentage of request\\):\\s+\\d+% "
            + "\\(\\d+m?\\) / 50%")
        .containsPattern("Min replicas:\\s+1")
        .containsPattern("Max replicas:\\s+3")
        .containsPattern("Deployment pods:\\s+3 current / 3 desired")
        .containsPattern("(?m)^\\s+AbleToScale\\s+True\\s+\\w+")
        .containsPattern("(?m)^\\s+ScalingActive\\s+True\\s+ValidMetricFound\\s+the HPA was able"
            + " to successfully calculate a replica count from cpu resource utilization"
            + " \\(percentage of request\\)")
        // at the maximum: over it while the pods' usage asks for more than 3, within it once
        // the newest pods count (unready pods count as idle on a scale-up, as in Kubernetes)
        .containsPattern("(?m)^\\s+ScalingLimited\\s+(True\\s+TooManyReplicas\\s+the desired"
            + " replica count is more than the maximum replica count|False\\s+DesiredWithinRange"
            + "\\s+the desired count is within the acceptable range)")
        .containsPattern("Normal\\s+SuccessfulRescale\\s+.*horizontal-pod-autoscaler\\s+New size:"
            + " 3; reason: cpu resource utilization \\(percentage of request\\) above target");

    // served in autoscaling/v1 too, by conversion: the same status as v2's, read between two
    // equal v2 reads (a sync in between may change the utilization; on two busy cores three
    // spinning pods may well sit at 50 % of their request)
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      JsonObject before = json(kubectl.run("get", "hpa", "burner", "-n", ns, "-o", "json"));
      JsonObject v1 = json(kubectl.run("get", "horizontalpodautoscalers.v1.autoscaling", "burner",
          "-n", ns, "-o", "json"));
      JsonObject after = json(kubectl.run("get", "hpa", "burner", "-n", ns, "-o", "json"));
      assertThat(after.getJsonObject("status")).isEqualTo(before.getJsonObject("status"));
      assertThat(v1.getString("apiVersion")).isEqualTo("autoscaling/v1");
      assertThat(v1.getJsonObject("spec").getInt("targetCPUUtilizationPercentage")).isEqualTo(50);
      assertThat(v1.getJsonObject("status").getInt("currentReplicas")).isEqualTo(3);
      int utilization = after.getJsonObject("status").getJsonArray("currentMetrics")
          .getJsonObject(0).getJsonObject("resource").getJsonObject("current")
          .getInt("averageUtilization");
      assertThat(utilization).isPositive();
      assertThat(v1.getJsonObject("status").getInt("currentCPUUtilizationPercentage"))
          .isEqualTo(utilization);
    });

    long stopped = System.nanoTime();
    for (String pod : pods(ns)) {
      Kubectl.Result touched = kubectl.run("exec", pod, "-n", ns, "--", "touch", "/tmp/stop");
      assertThat(touched.exitCode()).as(touched.toString()).isZero();
    }
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
        assertThat(kubectl.run("get", "deployment", "burner", "-n", ns).out())
            .containsPattern("(?m)^burner\\s+1/1\\s"));
    System.out.printf("HorizontalPodAutoscalerIT: back to 1 replica %.1f s after the load"
        + " stopped (scale-down window 15 s)%n", (System.nanoTime() - stopped) / 1e9);
    Kubectl.Result after = kubectl.run("describe", "hpa", "burner", "-n", ns);
    assertThat(after.out()).as(after.out())
        .containsPattern("New size: 1; reason: All metrics below target");
  }

  @Test
  void anAutoscalerOfAMissingTargetSaysSoInItsConditionsAndEvents() {
    String ns = SERVER.newNamespace();
    create("/apis/autoscaling/v2/namespaces/" + ns + "/horizontalpodautoscalers", """
        {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler",
         "metadata":{"name":"orphan"},
         "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"nothing"},
           "maxReplicas":3}}""");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      Kubectl.Result described = kubectl.run("describe", "hpa", "orphan", "-n", ns);
      assertThat(described.exitCode()).as(described.toString()).isZero();
      assertThat(described.out()).as(described.out())
          .containsPattern("(?m)^\\s+AbleToScale\\s+False\\s+FailedGetScale\\s+the HPA controller"
              + " was unable to get the target's current scale: deployments.apps \"nothing\""
              + " not found")
          .containsPattern("Warning\\s+FailedGetScale\\s+.*horizontal-pod-autoscaler\\s+"
              + "deployments.apps \"nothing\" not found");
    });
    // defaulted as autoscaling/v2 defaults: min 1, cpu at 80%
    Kubectl.Result table = kubectl.run("get", "hpa", "orphan", "-n", ns);
    assertThat(table.out()).as(table.toString())
        .containsPattern("(?m)^orphan\\s+Deployment/nothing\\s+cpu: <unknown>/80%\\s+1\\s+3\\s+0"
            + "\\s+\\S+\\s*$");
  }

  @Test
  void aDeploymentWithoutMetricsYetGetsKubernetesConditionsAndTheNewestKubectlAutoscales() {
    String ns = SERVER.newNamespace();
    // a target on no node at all: no pod ever has metrics
    create("/apis/apps/v1/namespaces/" + ns + "/deployments", """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"idle"},
         "spec":{"replicas":1,"selector":{"matchLabels":{"app":"idle"}},
           "template":{"metadata":{"labels":{"app":"idle"}},
             "spec":{"nodeName":"no-such-node","containers":[{"name":"main","image":"%s",
               "resources":{"requests":{"cpu":"100m"}}}]}}}}""".formatted(NodeAgentIT.IMAGE));
    Kubectl newest = Kubectl.newestClient().map(kubectl::using).orElse(kubectl);
    Kubectl.Result autoscale = newest.run("autoscale", "deployment", "idle", "-n", ns,
        "--cpu-percent=50", "--min=1", "--max=5");
    assertThat(autoscale.exitCode()).as(autoscale.toString()).isZero();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      Kubectl.Result described = kubectl.run("describe", "hpa", "idle", "-n", ns);
      assertThat(described.out()).as(described.out())
          .containsPattern("(?m)^\\s+ScalingActive\\s+False\\s+FailedGetResourceMetric\\s+the HPA"
              + " was unable to compute the replica count: failed to get cpu utilization: unable"
              + " to get metrics for resource cpu: no metrics returned from resource metrics API")
          .containsPattern("Warning\\s+FailedComputeMetricsReplicas\\s+.*invalid metrics \\(1"
              + " invalid out of 1\\), first error is: failed to get cpu resource metric value:"
              + " failed to get cpu utilization: unable to get metrics for resource cpu: no"
              + " metrics returned from resource metrics API");
    });
    assertThat(kubectl.run("get", "hpa", "idle", "-n", ns).out())
        .containsPattern("(?m)^idle\\s+Deployment/idle\\s+cpu: <unknown>/50%\\s+1\\s+5\\s+1\\s");
  }

  @Test
  void aContainerResourceMetricScalesOnOneContainersUseOfItsOwnRequest() {
    String ns = SERVER.newNamespace();
    // app spins within a 200m limit against its 100m request; the idle sidecar asks for 400m
    create("/apis/apps/v1/namespaces/" + ns + "/deployments", """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"pair"},
         "spec":{"replicas":1,"selector":{"matchLabels":{"app":"pair"}},
           "template":{"metadata":{"labels":{"app":"pair"}},
             "spec":{"nodeName":"%1$s","terminationGracePeriodSeconds":0,
               "tolerations":[{"key":"capstan.dev/test-agent","operator":"Exists"}],
               "containers":[
                 {"name":"app","image":"%2$s","command":["sh","-c","while :; do :; done"],
                  "resources":{"requests":{"cpu":"100m"},"limits":{"cpu":"200m"}}},
                 {"name":"sidecar","image":"%2$s","command":["sleep","3600"],
                  "resources":{"requests":{"cpu":"400m"}}}]}}}}"""
        .formatted(NODE, NodeAgentIT.IMAGE));
    create("/apis/autoscaling/v2/namespaces/" + ns + "/horizontalpodautoscalers", """
        {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler",
         "metadata":{"name":"pair"},
         "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"pair"},
           "minReplicas":1,"maxReplicas":2,
           "metrics":[{"type":"ContainerResource","containerResource":{"name":"cpu",
             "container":"app","target":{"type":"Utilization","averageUtilization":80}}}]}}""");

    await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
        assertThat(kubectl.run("get", "deployment", "pair", "-n", ns).out())
            .containsPattern("(?m)^pair\\s+2/2\\s"));
    await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      Kubectl.Result described = kubectl.run("describe", "hpa", "pair", "-n", ns);
      assertThat(described.exitCode()).as(described.toString()).isZero();
      assertThat(described.out()).as(described.out())
          .containsPattern("resource cpu of container \"app\" on pods\\s+\\(as a percentage of"
              + " request\\):\\s+\\d+% \\(\\d+m?\\) / 80%")
          .containsPattern("Deployment pods:\\s+2 current / 2 desired")
          .containsPattern("(?m)^\\s+ScalingActive\\s+True\\s+ValidMetricFound\\s+the HPA was"
              + " able to successfully calculate a replica count from cpu container resource"
              + " utilization \\(percentage of request\\)")
          .containsPattern("Normal\\s+SuccessfulRescale\\s+.*New size: 2; reason: cpu container"
              + " resource utilization \\(percentage of request\\) above target");
    });
    JsonObject hpa = json(kubectl.run("get", "hpa", "pair", "-n", ns, "-o", "json"));
    JsonObject current = hpa.getJsonObject("status").getJsonArray("currentMetrics")
        .getJsonObject(0);
    assertThat(current.getString("type")).isEqualTo("ContainerResource");
    assertThat(current.getJsonObject("containerResource").getString("container"))
        .isEqualTo("app");
    // the app container alone is over its request; the pod as a whole (500m asked) is not
    assertThat(current.getJsonObject("containerResource").getJsonObject("current")
        .getInt("averageUtilization")).isGreaterThan(80);
    assertThat(kubectl.run("get", "hpa", "pair", "-n", ns).out())
        .containsPattern("(?m)^pair\\s+Deployment/pair\\s+cpu: \\d+%/80%\\s+1\\s+2\\s+2\\s");
  }

  @Test
  void twoAutoscalersOfTheSamePodsScaleNeitherAndSaySo() {
    String ns = SERVER.newNamespace();
    create("/apis/apps/v1/namespaces/" + ns + "/deployments", """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"shared"},
         "spec":{"replicas":1,"selector":{"matchLabels":{"app":"shared"}},
           "template":{"metadata":{"labels":{"app":"shared"}},
             "spec":{"nodeName":"no-such-node","containers":[{"name":"main","image":"%s",
               "resources":{"requests":{"cpu":"100m"}}}]}}}}""".formatted(NodeAgentIT.IMAGE));
    for (String name : List.of("first", "second")) {
      Kubectl.Result autoscale = kubectl.run("autoscale", "deployment", "shared", "-n", ns,
          "--name=" + name, "--cpu-percent=50", "--min=1", "--max=4");
      assertThat(autoscale.exitCode()).as(autoscale.toString()).isZero();
    }
    String ambiguous = "pods by selector app=shared are controlled by multiple HPAs: [" + ns
        + "/first " + ns + "/second]";
    for (String name : List.of("first", "second")) {
      await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1))
          .untilAsserted(() -> {
            Kubectl.Result described = kubectl.run("describe", "hpa", name, "-n", ns);
            assertThat(described.out()).as(described.out())
                .containsPattern("(?m)^\\s+ScalingActive\\s+False\\s+AmbiguousSelector\\s+"
                    + java.util.regex.Pattern.quote(ambiguous))
                .containsPattern("Warning\\s+AmbiguousSelector\\s+.*horizontal-pod-autoscaler"
                    + "\\s+" + java.util.regex.Pattern.quote(ambiguous));
          });
    }
  }

  private static void create(String path, String json) {
    var created = Http.postJson(SERVER.api(path), json);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }

  private List<String> pods(String ns) {
    Kubectl.Result names = kubectl.run("get", "pods", "-n", ns, "-l", "app=burner", "-o",
        "jsonpath={.items[*].metadata.name}");
    assertThat(names.exitCode()).as(names.toString()).isZero();
    return List.of(names.out().trim().split("\\s+"));
  }

  private static JsonObject json(Kubectl.Result result) {
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return Json.createReader(new StringReader(result.out())).readObject();
  }

  private static String deployment(String name, String script) {
    return """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%1$s"},
         "spec":{"replicas":1,"selector":{"matchLabels":{"app":"%1$s"}},
           "template":{"metadata":{"labels":{"app":"%1$s"}},
             "spec":{"nodeName":"%2$s","terminationGracePeriodSeconds":0,
               "tolerations":[{"key":"capstan.dev/test-agent","operator":"Exists"}],
               "containers":[{"name":"main","image":"%3$s","command":["sh","-c","%4$s"],
                 "resources":{"requests":{"cpu":"100m"},"limits":{"cpu":"300m"}}}]}}}}"""
        .formatted(name, NODE, NodeAgentIT.IMAGE, script);
  }
}
