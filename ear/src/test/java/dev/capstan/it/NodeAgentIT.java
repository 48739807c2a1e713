package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.AgentConfig;
import dev.capstan.agent.NodeAgent;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * The node agent against the deployed control plane and the real Docker engine: the node
 * registers and stays Ready, pods bound to it run, restart, fail, back off and stop as they do
 * under a kubelet, and kubectl shows it. Pods name the node directly (the scheduler is another
 * issue). Images are the local ones `bin/capstan test` builds (capstan/busybox:1, capstan/pause:1).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class NodeAgentIT {

  private static final TestServer SERVER = TestServer.SUITE;
  static final String IMAGE = "capstan/busybox:1";
  private static final String NODE = "it-node-" + UUID.randomUUID().toString().substring(0, 6);
  private static final int KUBELET_PORT = freePort();

  private static NodeAgent agent;
  private static Path agentDir;
  private final Kubectl kubectl = Kubectl.against(SERVER);

  @BeforeAll
  static void startAgent() throws Exception {
    assertThat(Docker.run("image", "inspect", IMAGE).exitCode())
        .as("the local image " + IMAGE + " (bin/capstan test builds it)").isZero();
    agentDir = Files.createTempDirectory("capstan-agent");
    agent = NodeAgent.start(config(NODE));
    keepOtherPodsAway(SERVER, NODE);
  }

  /**
   * Taints a test node so the scheduler puts no other test's pods on it: the pods here name
   * their node, which taints do not stop.
   */
  static void keepOtherPodsAway(TestServer server, String node) {
    assertThat(Http.patch(server.api("/api/v1/nodes/" + node), "application/merge-patch+json",
        "{\"spec\":{\"taints\":[{\"key\":\"capstan.dev/test-agent\",\"effect\":\"NoSchedule\"}]}}")
        .statusCode()).isEqualTo(200);
  }

  static AgentConfig config(String node) {
    return config(node, Docker.host(), KUBELET_PORT);
  }

  static AgentConfig config(String node, String dockerHost, int kubeletPort) {
    return config(node, dockerHost, kubeletPort, agentDir);
  }

  /**
   * An agent of the suite's server on the test machine's Docker, keeping its files in dir, with
   * its node's own token, broker user and a serving certificate for its name and 127.0.0.1,
   * where its endpoint listens ({@link NodeCredentials}).
   */
  static AgentConfig config(String node, String dockerHost, int kubeletPort, Path dir) {
    NodeCredentials.BrokerUser broker = NodeCredentials.brokerUser(SERVER, node);
    return new AgentConfig(SERVER.secureApi().toString(), NodeCredentials.token(node),
        Optional.empty(), true, node, "127.0.0.1", dockerHost,
        Optional.of(SERVER.messagingUrl()),
        broker.user(), broker.password(), "capstan/pause:1",
        dir, 110, Duration.ofSeconds(5), Duration.ofSeconds(5), kubeletPort,
        Optional.of(NodeCredentials.servingTls(node, "127.0.0.1")),
        Optional.of(dir.resolve("manifests")));
  }

  static int freeKubeletPort() {
    return freePort();
  }

  private static int freePort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterAll
  static void stopAgent() {
    if (agent != null) {
      agent.close();
    }
    Docker.removeContainersOf(NODE);
  }

  @Test
  void theNodeRegistersReadyWithItsCapacityAndRenewsItsLease() {
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(kubectl.run("get", "nodes", NODE).out())
            .containsPattern("(?m)^" + NODE + "\\s+Ready\\s+<none>\\s+\\S+\\s+v1\\.32\\.0\\+capstan"));
    JsonObject node = Http.json(Http.get(SERVER.api("/api/v1/nodes/" + NODE)));
    assertThat(node.getJsonObject("metadata").getJsonObject("labels")
        .getString("kubernetes.io/hostname")).isEqualTo(NODE);
    assertThat(node.getJsonObject("status").getJsonObject("capacity").getString("pods"))
        .isEqualTo("110");
    assertThat(node.getJsonObject("status").getJsonObject("nodeInfo")
        .getString("containerRuntimeVersion")).startsWith("docker://");

    String firstRenewal = leaseRenewTime();
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
        assertThat(leaseRenewTime()).isNotEqualTo(firstRenewal));
  }

  @Test
  void aNodeWhoseDockerDoesNotAnswerIsNotReadyAndSaysWhy() throws Exception {
    String node = "it-nodocker-" + UUID.randomUUID().toString().substring(0, 6);
    try (NodeAgent broken = NodeAgent.start(config(node, "unix:///nonexistent/docker.sock",
        freePort()))) {
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(kubectl.run("get", "nodes", node).out())
              .containsPattern("(?m)^" + node + "\\s+NotReady\\s+"));
      JsonObject ready = Http.json(Http.get(SERVER.api("/api/v1/nodes/" + node)))
          .getJsonObject("status").getJsonArray("conditions").getValuesAs(JsonObject.class)
          .stream().filter(c -> c.getString("type").equals("Ready")).findFirst().orElseThrow();
      assertThat(ready.getString("reason")).isEqualTo("ContainerRuntimeNotReady");
      assertThat(ready.getString("message")).contains("does not answer");
    } finally {
      Http.delete(SERVER.api("/api/v1/nodes/" + node));
    }
  }

  @Test
  void aPodRunsWithItsContainersSharingOneNetworkAndItsEnvironment() {
    String namespace = SERVER.newNamespace();
    create(namespace, """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","labels":{"app":"web"}},
         "spec":{"nodeName":"%s","containers":[
           {"name":"server","image":"%s","command":["httpd","-f","-p","8080","-h","/www"],
            "volumeMounts":[{"name":"www","mountPath":"/www"}]},
           {"name":"client","image":"%s","command":["sh","-c",
              "echo $POD_NAME from $(POD_NAMESPACE) > /www/index.html; sleep 3600"],
            "env":[{"name":"POD_NAME","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}},
                   {"name":"POD_NAMESPACE","valueFrom":{"fieldRef":{"fieldPath":"metadata.namespace"}}}],
            "volumeMounts":[{"name":"www","mountPath":"/www"}]}],
          "volumes":[{"name":"www","emptyDir":{}}]}}""".formatted(NODE, IMAGE, IMAGE));

    awaitPodTable(namespace, "web", "2/2\\s+Running\\s+0");
    JsonObject status = pod(namespace, "web").getJsonObject("status");
    assertThat(status.getString("podIP")).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
    assertThat(status.getString("hostIP")).isEqualTo("127.0.0.1");
    assertThat(kubectl.run("get", "pods", "-n", namespace, "-o", "wide").out())
        .containsPattern("web\\s+2/2\\s+Running\\s+0\\s+\\S+\\s+" + status.getString("podIP")
            + "\\s+" + NODE);

    String page = Docker.exec(Docker.containerOf(NODE, namespace, "web", "client"),
        "wget", "-qO-", "http://localhost:8080/index.html");
    assertThat(page.trim()).as("the client reaches the server over the pod's localhost")
        .isEqualTo("web from " + namespace);

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(kubectl.run("describe", "pod", "web", "-n", namespace).out())
            .containsPattern("Normal\\s+Pulled\\s+.*kubelet\\s+Container image \"" + IMAGE
                + "\" already present on machine")
            .containsPattern("Normal\\s+Created\\s+.*Created container: client")
            .containsPattern("Normal\\s+Started\\s+.*Started container server"));
  }

  @Test
  void initContainersRunInOrderToCompletionBeforeTheContainers() {
    String namespace = SERVER.newNamespace();
    create(namespace, """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"staged"},
         "spec":{"nodeName":"%s",
          "initContainers":[
           {"name":"first","image":"%s","command":["sh","-c","echo first >> /work/order"],
            "volumeMounts":[{"name":"work","mountPath":"/work"}]},
           {"name":"second","image":"%s","command":["sh","-c","sleep 1; echo second >> /work/order"],
            "volumeMounts":[{"name":"work","mountPath":"/work"}]}],
          "containers":[{"name":"main","image":"%s",
            "command":["sh","-c","echo main >> /work/order; sleep 3600"],
            "volumeMounts":[{"name":"work","mountPath":"/work"}]}],
          "volumes":[{"name":"work","emptyDir":{}}]}}""".formatted(NODE, IMAGE, IMAGE, IMAGE));
    create(namespace, """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"unprepared"},
         "spec":{"nodeName":"%s","restartPolicy":"Never",
          "initContainers":[{"name":"check","image":"%s","command":["sh","-c","exit 7"]}],
          "containers":[{"name":"main","image":"%s","command":["sleep","3600"]}]}}"""
        .formatted(NODE, IMAGE, IMAGE));

    awaitPodTable(namespace, "staged", "1/1\\s+Running\\s+0");
    assertThat(Docker.exec(Docker.containerOf(NODE, namespace, "staged", "main"),
        "cat", "/work/order")).isEqualTo("first\nsecond\nmain\n");
    JsonObject staged = pod(namespace, "staged").getJsonObject("status");
    assertThat(staged.getJsonArray("initContainerStatuses").getValuesAs(JsonObject.class))
        .allSatisfy(init -> assertThat(init.getJsonObject("state").getJsonObject("terminated")
            .getString("reason")).isEqualTo("Completed"));

    awaitPodTable(namespace, "unprepared", "0/1\\s+Init:Error\\s+0");
    assertThat(pod(namespace, "unprepared").getJsonObject("status").getString("phase"))
        .isEqualTo("Failed");
    assertThat(Docker.run("ps", "-aq", "--filter", "label=io.capstan.node=" + NODE,
        "--filter", "label=io.capstan.pod.name=unprepared",
        "--filter", "label=io.capstan.container.name=main").out())
        .as("the container never started").isBlank();
  }

  @Test
  void staticPodsRunFromTheManifestDirectoryAndAreMirroredIntoTheApi() throws Exception {
    String namespace = SERVER.newNamespace();
    Path manifests = Files.createDirectories(agentDir.resolve("manifests"));
    Path manifest = manifests.resolve("static-web.yaml");
    Files.writeString(manifest, """
        apiVersion: v1
        kind: Pod
        metadata:
          name: static-web
          namespace: %s
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: web
            image: %s
            command: ["sleep", "3600"]
        """.formatted(namespace, IMAGE));
    String mirror = "static-web-" + NODE;

    awaitPodTable(namespace, mirror, "1/1\\s+Running\\s+0");
    JsonObject metadata = pod(namespace, mirror).getJsonObject("metadata");
    assertThat(metadata.getJsonObject("annotations").getString("kubernetes.io/config.source"))
        .isEqualTo("file");
    assertThat(metadata.getJsonArray("ownerReferences").getJsonObject(0).getString("kind"))
        .isEqualTo("Node");

    assertThat(kubectl.run("delete", "pod", mirror, "-n", namespace).exitCode()).isZero();
    awaitPodTable(namespace, mirror, "1/1\\s+Running\\s+0");

    Files.delete(manifest);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(Http.get(SERVER.api("/api/v1/namespaces/" + namespace + "/pods/" + mirror))
            .statusCode()).isEqualTo(404));
  }

  @Test
  void kubectlExecAndAttachReachTheContainerWithStdinOutputAndExitCode() {
    String namespace = SERVER.newNamespace();
    create(namespace, """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"shell"},
         "spec":{"nodeName":"%s","containers":[{"name":"main","image":"%s",
           "command":["sleep","3600"]}]}}""".formatted(NODE, IMAGE));
    awaitPodTable(namespace, "shell", "1/1\\s+Running\\s+0");

    Kubectl.Result failing = kubectl.run("exec", "shell", "-n", namespace, "--", "sh", "-c",
        "hostname; echo oops >&2; exit 3");
    assertThat(failing.out()).isEqualTo("shell\n");
    assertThat(failing.err()).contains("oops").contains("command terminated with exit code 3");
    assertThat(failing.exitCode()).isEqualTo(3);

    Kubectl.Result piped = kubectl.withInput("one\ntwo\n", "exec", "-i", "shell", "-n", namespace,
        "--", "sh", "-c", "wc -l; echo done");
    assertThat(piped.exitCode()).as(piped.toString()).isZero();
    assertThat(piped.out()).isEqualTo("2\ndone\n");

    create(namespace, """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"listener"},
         "spec":{"nodeName":"%s","restartPolicy":"Never","containers":[{"name":"main",
           "image":"%s","command":["sh","-c","read line; echo got $line"],"stdin":true}]}}"""
        .formatted(NODE, IMAGE));
    awaitPodTable(namespace, "listener", "1/1\\s+Running\\s+0");
    Kubectl.Result attached = kubectl.withInput("hello\n", "attach", "-i", "listener", "-n",
        namespace);
    assertThat(attached.out()).as(attached.toString()).contains("got hello");

    Kubectl.Result missing = kubectl.run("exec", "shell", "-c", "other", "-n", namespace, "--",
        "true");
    assertThat(missing.exitCode()).isNotZero();
    assertThat(missing.err()).contains("container other is not valid for pod shell");
  }

  @Test
  void kubectlLogsShowsTheContainersOutputThroughTheApi() {
    String namespace = SERVER.newNamespace();
    create(namespace, """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"talker"},
         "spec":{"nodeName":"%s","containers":[{"name":"main","image":"%s",
           "command":["sh","-c","for i in 1 2 3; do echo line $i; done; sleep 3600"]},
           {"name":"quiet","image":"%s","command":["sleep","3600"]}]}}"""
        .formatted(NODE, IMAGE, IMAGE));
    awaitPodTable(namespace, "talker", "2/2\\s+Running\\s+0");

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Kubectl.Result logs = kubectl.run("logs", "talker", "-c", "main", "-n", namespace);
      assertThat(logs.out()).as(logs.toString()).isEqualTo("line 1\nline 2\nline 3\n");
    });
    assertThat(kubectl.run("logs", "talker", "-c", "main", "--tail=1", "-n", namespace).out())
        .isEqualTo("line 3\n");
    Kubectl.Result defaulted = kubectl.run("logs", "talker", "-n", namespace);
    assertThat(defaulted.err()).contains("Defaulted container \"main\" out of: main, quiet");
    assertThat(defaulted.out()).isEqualTo("line 1\nline 2\nline 3\n");
    var ambiguous = Http.get(SERVER.api("/api/v1/namespaces/" + namespace + "/pods/talker/log"));
    assertThat(ambiguous.statusCode()).isEqualTo(400);
    assertThat(Http.json(ambiguous).getString("message")).isEqualTo(
        "a container name must be specified for pod talker, choose one of: [main quiet]");
    Kubectl.Result noPrevious = kubectl.run("logs", "talker", "-c", "main", "--previous", "-n",
        namespace);
    assertThat(noPrevious.exitCode()).isNotZero();
    assertThat(noPrevious.err()).contains("previous terminated container \"main\" in pod"
        + " \"talker\" not found");
  }

  @Test
  void aDeploymentRollsToANewImageAndBackWithKubectl() {
    String namespace = SERVER.newNamespace();
    assertThat(Http.postJson(SERVER.api("/apis/apps/v1/namespaces/" + namespace + "/deployments"), """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
         "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},
          "strategy":{"rollingUpdate":{"maxSurge":1,"maxUnavailable":1}},
          "template":{"metadata":{"labels":{"app":"web"}},
           "spec":{"terminationGracePeriodSeconds":0,
            "nodeSelector":{"kubernetes.io/hostname":"%s"},
            "tolerations":[{"key":"capstan.dev/test-agent","operator":"Exists"}],
            "containers":[{"name":"web","image":"%s","command":["httpd","-f","-p","8080"]}]}}}}"""
        .formatted(NODE, IMAGE)).statusCode()).isEqualTo(201);

    Kubectl.Result first = kubectl.run("rollout", "status", "deployment/web", "-n", namespace,
        "--timeout=60s");
    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(first.out()).contains("deployment \"web\" successfully rolled out");

    assertThat(kubectl.run("set", "image", "deployment/web", "web=capstan/pause:1", "-n",
        namespace).exitCode()).isZero();
    Kubectl.Result second = kubectl.run("rollout", "status", "deployment/web", "-n", namespace,
        "--timeout=90s");
    assertThat(second.exitCode()).as(second.toString()).isZero();
    assertThat(podImages(namespace)).containsOnly("capstan/pause:1").hasSize(3);
    assertThat(kubectl.run("rollout", "history", "deployment/web", "-n", namespace).out())
        .containsPattern("(?m)^1\\s").containsPattern("(?m)^2\\s");

    Kubectl.Result undo = kubectl.run("rollout", "undo", "deployment/web", "-n", namespace);
    assertThat(undo.exitCode()).as(undo.toString()).isZero();
    assertThat(kubectl.run("rollout", "status", "deployment/web", "-n", namespace,
        "--timeout=90s").exitCode()).isZero();
    assertThat(podImages(namespace)).containsOnly(IMAGE).hasSize(3);
    assertThat(kubectl.run("get", "deployment", "web", "-n", namespace).out())
        .containsPattern("web\\s+3/3\\s+3\\s+3");
  }

  @Test
  void jobsRunToTheirCompletionsOrGiveUpAfterTheirBackoffLimit() {
    String namespace = SERVER.newNamespace();
    for (String[] job : List.of(new String[] {"counted", "2", "6", "echo done"},
        new String[] {"doomed", "1", "1", "exit 1"})) {
      assertThat(Http.postJson(SERVER.api("/apis/batch/v1/namespaces/" + namespace + "/jobs"), """
          {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"%s"},
           "spec":{"completions":%s,"parallelism":1,"backoffLimit":%s,
            "template":{"spec":{"restartPolicy":"Never","terminationGracePeriodSeconds":0,
             "nodeSelector":{"kubernetes.io/hostname":"%s"},
             "tolerations":[{"key":"capstan.dev/test-agent","operator":"Exists"}],
             "containers":[{"name":"main","image":"%s","command":["sh","-c","%s"]}]}}}}"""
          .formatted(job[0], job[1], job[2], NODE, IMAGE, job[3])).statusCode()).isEqualTo(201);
    }

    Kubectl.Result complete = kubectl.run("wait", "--for=condition=complete", "job/counted",
        "-n", namespace, "--timeout=90s");
    assertThat(complete.exitCode()).as(complete.toString()).isZero();
    assertThat(kubectl.run("get", "job", "counted", "-n", namespace, "-o",
        "jsonpath={.status.succeeded} {.status.failed}").out()).isEqualTo("2 0");
    Kubectl.Result failed = kubectl.run("wait", "--for=condition=failed", "job/doomed",
        "-n", namespace, "--timeout=90s");
    assertThat(failed.exitCode()).as(failed.toString()).isZero();
    assertThat(kubectl.run("get", "job", "doomed", "-n", namespace, "-o",
        "jsonpath={.status.failed} {.status.conditions[0].reason}").out())
        .isEqualTo("2 BackoffLimitExceeded");
  }

  private static List<String> podImages(String namespace) {
    return Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace + "/pods")))
        .getJsonArray("items").getValuesAs(JsonObject.class).stream()
        .filter(pod -> !pod.getJsonObject("metadata").containsKey("deletionTimestamp"))
        .map(pod -> pod.getJsonObject("spec").getJsonArray("containers").getJsonObject(0)
            .getString("image"))
        .toList();
  }

  @Test
  void theContainerSpecReachesDocker() throws Exception {
    String namespace = SERVER.newPrivilegedNamespace();
    create(namespace, """
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"},"data":{"mode":"fast"}}""");
    assertThat(Http.postJson(SERVER.api("/api/v1/namespaces/" + namespace + "/secrets"), """
        {"apiVersion":"v1","kind":"Secret","metadata":{"name":"creds"},
         "data":{"password":"czNjcmV0"}}""").statusCode()).isEqualTo(201);
    int hostPort = freePort();
    create(namespace, """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"specified"},
         "spec":{"nodeName":"%s","terminationGracePeriodSeconds":1,
          "securityContext":{"runAsUser":65534},
          "containers":[{"name":"main","image":"%s",
           "command":["sh","-c","mkdir -p /scratch/www && echo served > /scratch/www/index.html && exec httpd -f -p 8080 -h /scratch/www"],
           "workingDir":"/tmp",
           "ports":[{"containerPort":8080,"hostPort":%d}],
           "env":[{"name":"PASSWORD","valueFrom":{"secretKeyRef":{"name":"creds","key":"password"}}}],
           "resources":{"requests":{"cpu":"250m"},"limits":{"cpu":"500m","memory":"64Mi"}},
           "securityContext":{"readOnlyRootFilesystem":true},
           "volumeMounts":[{"name":"config","mountPath":"/etc/config"},
                           {"name":"secret","mountPath":"/etc/secret"},
                           {"name":"scratch","mountPath":"/scratch"}]}],
          "volumes":[{"name":"config","configMap":{"name":"settings"}},
                     {"name":"secret","secret":{"secretName":"creds"}},
                     {"name":"scratch","emptyDir":{"medium":"Memory"}}]}}"""
        .formatted(NODE, IMAGE, hostPort));
    awaitPodTable(namespace, "specified", "1/1\\s+Running\\s+0");
    String container = Docker.containerOf(NODE, namespace, "specified", "main");

    assertThat(Docker.run("inspect", "-f",
        "{{.HostConfig.CpuQuota}} {{.HostConfig.CpuPeriod}} {{.HostConfig.CpuShares}} "
            + "{{.HostConfig.Memory}} {{.HostConfig.ReadonlyRootfs}} {{.Config.User}}",
        container).out().trim()).isEqualTo("50000 100000 256 67108864 true 65534");
    assertThat(Docker.exec(container, "sh", "-c",
        "pwd; echo $PASSWORD; cat /etc/config/mode; echo; cat /etc/secret/password; echo;"
            + " id -u; touch /not-allowed 2>/dev/null || echo read-only;"
            + " grep ' /scratch ' /proc/mounts | cut -d' ' -f3"))
        .isEqualTo("/tmp\ns3cret\nfast\ns3cret\n65534\nread-only\ntmpfs\n");
    HttpResponse<String> page = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + hostPort + "/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(page.body()).as("the host port reaches the pod").isEqualTo("served\n");
  }

  @Test
  void aContainerRemovedBehindTheAgentsBackComesBackAndKeepsTheEmptyDir() {
    String namespace = SERVER.newNamespace();
    create(namespace, """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"keeper"},
         "spec":{"nodeName":"%s","containers":[{"name":"main","image":"%s",
           "command":["sh","-c","date >> /data/starts; sleep 3600"],
           "volumeMounts":[{"name":"data","mountPath":"/data"}]}],
          "volumes":[{"name":"data","emptyDir":{}}]}}""".formatted(NODE, IMAGE));
    awaitPodTable(namespace, "keeper", "1/1\\s+Running\\s+0");

    assertThat(Docker.run("rm", "-f", Docker.containerOf(NODE, namespace, "keeper", "main"))
        .exitCode()).isZero();

    awaitPodTable(namespace, "keeper", "1/1\\s+Running\\s+1");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(Docker.exec(Docker.containerOf(NODE, namespace, "keeper", "main"),
            "cat", "/data/starts").lines().count())
            .as("the emptyDir kept the first start's line").isEqualTo(2));
  }

  @Test
  void restartPoliciesGiveCompletedErrorAndCrashLoopBackOff() {
    String namespace = SERVER.newNamespace();
    for (String[] pod : List.of(new String[] {"done", "OnFailure", "exit 0"},
        new String[] {"failed", "Never", "exit 3"},
        new String[] {"crashing", "Always", "exit 1"})) {
      create(namespace, """
          {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s"},
           "spec":{"nodeName":"%s","restartPolicy":"%s",
            "containers":[{"name":"main","image":"%s","command":["sh","-c","%s"]}]}}"""
          .formatted(pod[0], NODE, pod[1], IMAGE, pod[2]));
    }

    awaitPodTable(namespace, "done", "0/1\\s+Completed\\s+0");
    awaitPodTable(namespace, "failed", "0/1\\s+Error\\s+0");
    awaitPodTable(namespace, "crashing", "0/1\\s+CrashLoopBackOff\\s+[12]");
    assertThat(pod(namespace, "done").getJsonObject("status").getString("phase"))
        .isEqualTo("Succeeded");
    JsonObject failed = pod(namespace, "failed").getJsonObject("status");
    assertThat(failed.getString("phase")).isEqualTo("Failed");
    assertThat(failed.getJsonArray("containerStatuses").getJsonObject(0).getJsonObject("state")
        .getJsonObject("terminated").getInt("exitCode")).isEqualTo(3);
    JsonObject crashing = pod(namespace, "crashing").getJsonObject("status")
        .getJsonArray("containerStatuses").getJsonObject(0);
    assertThat(crashing.getJsonObject("state").getJsonObject("waiting").getString("message"))
        .startsWith("back-off 10s restarting failed container=main pod=crashing_" + namespace);
    assertThat(crashing.getJsonObject("lastState").getJsonObject("terminated").getInt("exitCode"))
        .isEqualTo(1);
    assertThat(kubectl.run("describe", "pod", "crashing", "-n", namespace).out())
        .containsPattern("Warning\\s+BackOff\\s+.*Back-off restarting failed container main in pod"
            + " crashing_" + namespace);
    await().atMost(Duration.ofSeconds(40)).ignoreExceptions().untilAsserted(() ->
        assertThat(pod(namespace, "crashing").getJsonObject("status")
            .getJsonArray("containerStatuses").getJsonObject(0).getJsonObject("state")
            .getJsonObject("waiting").getString("message"))
            .as("the back-off doubles").startsWith("back-off 20s restarting failed container"));
  }

  @Test
  void readinessDecidesReadyAndALivenessProbeOnAMissingPathRestartsTheContainer() {
    String namespace = SERVER.newNamespace();
    create(namespace, """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"probed"},
         "spec":{"nodeName":"%s","terminationGracePeriodSeconds":1,
          "containers":[{"name":"web","image":"%s",
           "command":["sh","-c","mkdir -p /www; echo ok > /www/healthz; httpd -f -p 8080 -h /www"],
           "ports":[{"name":"http","containerPort":8080}],
           "startupProbe":{"exec":{"command":["test","-f","/www/healthz"]},"periodSeconds":1},
           "readinessProbe":{"httpGet":{"path":"/ready","port":"http"},"periodSeconds":1},
           "livenessProbe":{"httpGet":{"path":"/healthz","port":8080},"periodSeconds":1,
                            "failureThreshold":2}}]}}""".formatted(NODE, IMAGE));
    awaitPodTable(namespace, "probed", "0/1\\s+Running\\s+0");

    Docker.exec(Docker.containerOf(NODE, namespace, "probed", "web"), "sh", "-c",
        "echo ok > /www/ready");
    awaitPodTable(namespace, "probed", "1/1\\s+Running\\s+0");
    assertThat(pod(namespace, "probed").getJsonObject("status").getJsonArray("conditions")
        .getValuesAs(JsonObject.class).stream()
        .filter(c -> c.getString("type").equals("Ready")).findFirst().orElseThrow()
        .getString("status")).isEqualTo("True");

    Docker.exec(Docker.containerOf(NODE, namespace, "probed", "web"), "rm", "/www/healthz");
    awaitPodTable(namespace, "probed", "0/1\\s+Running\\s+1");
    assertThat(kubectl.run("describe", "pod", "probed", "-n", namespace).out())
        .containsPattern("Warning\\s+Unhealthy\\s+.*Liveness probe failed: HTTP probe failed with"
            + " statuscode: 404")
        .containsPattern("Normal\\s+Killing\\s+.*Container web failed liveness probe, will be"
            + " restarted");
  }

  @Test
  void hooksRunAfterStartAndBeforeTheStopSignal() throws Exception {
    String namespace = SERVER.newPrivilegedNamespace();
    Path out = Files.createDirectories(agentDir.resolve("hooks-" + namespace));
    create(namespace, """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"hooked"},
         "spec":{"nodeName":"%s","terminationGracePeriodSeconds":10,
          "containers":[{"name":"main","image":"%s",
           "command":["sh","-c","trap 'echo term >> /out/log; exit 0' TERM; while true; do sleep 1; done"],
           "lifecycle":{"postStart":{"exec":{"command":["sh","-c","echo poststart >> /out/log"]}},
                        "preStop":{"exec":{"command":["sh","-c","echo prestop >> /out/log"]}}},
           "volumeMounts":[{"name":"out","mountPath":"/out"}]}],
          "volumes":[{"name":"out","hostPath":{"path":"%s"}}]}}"""
        .formatted(NODE, IMAGE, out));
    awaitPodTable(namespace, "hooked", "1/1\\s+Running\\s+0");
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(Files.readString(out.resolve("log"))).isEqualTo("poststart\n"));

    assertThat(kubectl.run("delete", "pod", "hooked", "-n", namespace).exitCode()).isZero();

    assertThat(Files.readString(out.resolve("log"))).as("preStop ran before SIGTERM")
        .isEqualTo("poststart\nprestop\nterm\n");
  }

  @Test
  void missingImagesAndConfigurationAreReportedAndTheAgentGoesOn() {
    String namespace = SERVER.newNamespace();
    create(namespace, """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"never"},
         "spec":{"nodeName":"%s","containers":[{"name":"main","image":"capstan/absent:1",
           "imagePullPolicy":"Never"}]}}""".formatted(NODE));
    create(namespace, """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"unconfigured"},
         "spec":{"nodeName":"%s","containers":[{"name":"main","image":"%s",
           "command":["sleep","3600"],
           "env":[{"name":"MODE","valueFrom":{"configMapKeyRef":{"name":"settings","key":"mode"}}}]}]}}"""
        .formatted(NODE, IMAGE));

    create(namespace, """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"unpullable"},
         "spec":{"nodeName":"%s","containers":[{"name":"main","image":"capstan/absent:2"}]}}"""
        .formatted(NODE));
    awaitPodTable(namespace, "never", "0/1\\s+ErrImageNeverPull\\s+0");
    awaitPodTable(namespace, "unpullable", "0/1\\s+(ErrImagePull|ImagePullBackOff)\\s+0");
    assertThat(kubectl.run("describe", "pod", "unpullable", "-n", namespace).out())
        .containsPattern("Warning\\s+Failed\\s+.*Failed to pull image \"capstan/absent:2\"");
    awaitPodTable(namespace, "unconfigured", "0/1\\s+CreateContainerConfigError\\s+0");

    create(namespace, """
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"},"data":{"mode":"fast"}}""");
    awaitPodTable(namespace, "unconfigured", "1/1\\s+Running\\s+0");
    assertThat(Docker.exec(Docker.containerOf(NODE, namespace, "unconfigured", "main"),
        "sh", "-c", "echo $MODE").trim()).isEqualTo("fast");
  }

  @Test
  void deletingAPodStopsItsContainersWithinTheGracePeriodThenRemovesIt() {
    String namespace = SERVER.newNamespace();
    create(namespace, """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"stubborn"},
         "spec":{"nodeName":"%s","terminationGracePeriodSeconds":2,
           "containers":[{"name":"main","image":"%s","command":["sh","-c","trap '' TERM; sleep 3600"]}]}}"""
        .formatted(NODE, IMAGE));
    awaitPodTable(namespace, "stubborn", "1/1\\s+Running\\s+0");

    Kubectl.Result deleted = kubectl.run("delete", "pod", "stubborn", "-n", namespace);

    assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
    assertThat(deleted.out()).contains("pod \"stubborn\" deleted");
    assertThat(Http.get(SERVER.api("/api/v1/namespaces/" + namespace + "/pods/stubborn"))
        .statusCode()).isEqualTo(404);
    assertThat(Docker.containerIds(NODE, namespace, "stubborn")).as("no container left").isEmpty();
  }

  @Test
  void aRestartedAgentAdoptsItsRunningContainers() throws Exception {
    String namespace = SERVER.newNamespace();
    create(namespace, """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"steady"},
         "spec":{"nodeName":"%s","containers":[{"name":"main","image":"%s","command":["sleep","3600"]}]}}"""
        .formatted(NODE, IMAGE));
    create(namespace, """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"forgotten"},
         "spec":{"nodeName":"%s","containers":[{"name":"main","image":"%s","command":["sleep","3600"]}]}}"""
        .formatted(NODE, IMAGE));
    awaitPodTable(namespace, "steady", "1/1\\s+Running\\s+0");
    awaitPodTable(namespace, "forgotten", "1/1\\s+Running\\s+0");
    String before = Docker.containerOf(NODE, namespace, "steady", "main");

    agent.close();
    Kubectl.Result forced = kubectl.run("delete", "pod", "forgotten", "-n", namespace,
        "--grace-period=0", "--force");
    assertThat(forced.exitCode()).as(forced.toString()).isZero();
    agent = NodeAgent.start(config(NODE));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(Docker.containerIds(NODE, namespace, "forgotten"))
            .as("the restarted agent removes containers of pods deleted while it was away")
            .isEmpty());
    create(namespace, """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"after"},
         "spec":{"nodeName":"%s","containers":[{"name":"main","image":"%s","command":["sleep","3600"]}]}}"""
        .formatted(NODE, IMAGE));
    awaitPodTable(namespace, "after", "1/1\\s+Running\\s+0");

    assertThat(Docker.containerOf(NODE, namespace, "steady", "main")).isEqualTo(before);
    awaitPodTable(namespace, "steady", "1/1\\s+Running\\s+0");
  }

  private String leaseRenewTime() {
    return Http.json(Http.get(SERVER.api("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/"
        + NODE))).getJsonObject("spec").getString("renewTime");
  }

  private void awaitPodTable(String namespace, String pod, String columns) {
    await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(kubectl.run("get", "pod", pod, "-n", namespace).out())
            .containsPattern("(?m)^" + pod + "\\s+" + columns));
  }

  private static JsonObject pod(String namespace, String name) {
    return Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace + "/pods/" + name)));
  }

  private static void create(String namespace, String json) {
    String kind = json.contains("\"ConfigMap\"") ? "configmaps" : "pods";
    var response = Http.postJson(SERVER.api("/api/v1/namespaces/" + namespace + "/" + kind), json);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
  }
}
