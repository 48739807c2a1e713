package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.NodeAgent;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The node agent as service proxy, with a real agent, real Docker and the host's real iptables:
 * a service's cluster IP reaches its ready pods from another pod, spread across them; its node
 * port answers on 127.0.0.1; ClientIP affinity pins a client; an unready pod gets no traffic; a
 * service without endpoints refuses connections at once.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ServiceProxyIT {

  private static final TestServer SERVER = TestServer.SUITE;
  private static final String NODE = "it-proxy-" + UUID.randomUUID().toString().substring(0, 6);
  /** A node port of the fork's range (another fork's agents may run beside these). */
  private static final int NODE_PORT = ForkEnvironment.firstNodePort() + 81;
  private static NodeAgent agent;
  private static dev.capstan.agent.AgentConfig agentConfig;
  private final Kubectl kubectl = Kubectl.against(SERVER);

  @BeforeAll
  static void startAgent() throws Exception {
    agentConfig = NodeAgentIT.config(NODE, Docker.host(), NodeAgentIT.freeKubeletPort(),
        Files.createTempDirectory("capstan-proxy-agent"));
    agent = NodeAgent.start(agentConfig);
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
  void aServiceSpreadsRequestsOverItsReadyPodsByClusterIpAndNodePort() throws Exception {
    String namespace = SERVER.newNamespace();
    SERVER.create(namespace, "replicationcontrollers", webServers(3));
    SERVER.create(namespace, "services", """
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"node-js"},
         "spec":{"type":"NodePort","selector":{"app":"web"},
          "ports":[{"name":"http","port":80,"targetPort":"http","nodePort":%d}]}}"""
        .formatted(NODE_PORT));
    SERVER.create(namespace, "services", """
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"web-pods"},
         "spec":{"clusterIP":"None","selector":{"app":"web"},"ports":[{"port":8080}]}}""");
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(kubectl.run("get", "endpoints", "node-js", "-n", namespace).out())
            .containsPattern("node-js\\s+\\S+:8080,\\S+:8080,\\S+:8080"));
    String clusterIp = clusterIp(namespace, "node-js");
    String podCidr = Http.json(Http.get(SERVER.api("/api/v1/nodes/" + NODE)))
        .getJsonObject("spec").getString("podCIDR");
    assertThat(podCidr).as("the node's pod range, within the cluster's " + clusterCidr())
        .matches(java.util.regex.Pattern.quote(clusterPrefix()) + "\\d+\\.0/24");
    assertThat(kubectl.run("get", "endpoints", "node-js", "-n", namespace).out())
        .as("pods get addresses from their node's range")
        .contains(podCidr.substring(0, podCidr.lastIndexOf('.') + 1));

    SERVER.create(namespace, "pods", client());
    await().atMost(Duration.ofSeconds(30)).until(() -> running(namespace, "client"));
    String client = Docker.containerOf(NODE, namespace, "client", "client");
    assertThat(Docker.exec(client, "sh", "-c", "echo $NODE_JS_SERVICE_HOST $NODE_JS_SERVICE_PORT"
        + " $NODE_JS_PORT_80_TCP").trim()).as("service discovery by environment")
        .isEqualTo(clusterIp + " 80 tcp://" + clusterIp + ":80");

    // service discovery by DNS: short and long names, SRV for the named port, headless
    assertThat(Docker.exec(client, "cat", "/etc/resolv.conf"))
        .contains("search " + namespace + ".svc.cluster.local svc.cluster.local cluster.local")
        .contains("options ndots:5");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(kubectl.run("exec", "client", "-n", namespace, "--", "wget", "-qO-",
          "http://node-js/").out().trim()).as("kubectl exec, short name").startsWith("web-");
      assertThat(answers(client, "http://node-js." + namespace + "/", 1)).singleElement()
          .asString().startsWith("web-");
      assertThat(answers(client, "http://node-js." + namespace + ".svc.cluster.local/", 1))
          .singleElement().asString().startsWith("web-");
    });
    assertThat(Docker.exec(client, "sh", "-c", "nslookup -type=srv _http._tcp.node-js."
        + namespace + ".svc.cluster.local; true"))
        .contains("node-js." + namespace + ".svc.cluster.local").contains(" 80 ");
    List<String> podIps = Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace
            + "/pods?labelSelector=app%3Dweb"))).getJsonArray("items")
        .getValuesAs(JsonObject.class).stream()
        .map(p -> p.getJsonObject("status").getString("podIP")).toList();
    assertThat(Docker.exec(client, "sh", "-c", "nslookup web-pods." + namespace + ".svc.cluster.local; true"))
        .contains(podIps.get(0)).contains(podIps.get(1)).contains(podIps.get(2));

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(answers(client, "http://" + clusterIp + "/", 30))
            .as("requests to the cluster IP spread over the pods").hasSizeGreaterThan(1)
            .allMatch(name -> name.startsWith("web-")));

    HttpResponse<String> viaNodePort = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + NODE_PORT + "/")).timeout(Duration.ofSeconds(5))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(viaNodePort.body().trim()).startsWith("web-");

    // the API server's proxy, as kubectl proxy and kubectl get --raw use it
    assertThat(kubectl.run("get", "--raw", "/api/v1/namespaces/" + namespace
        + "/services/node-js/proxy/index.html").out().trim()).startsWith("web-");
    String pod = podNames(namespace, "app=web").get(0);
    assertThat(Http.get(SERVER.api("/api/v1/namespaces/" + namespace + "/pods/" + pod
        + ":8080/proxy/")).body().trim()).isEqualTo(pod);
    Process proxy = kubectl.start("proxy", "--port=0");
    try {
      java.util.regex.Matcher port = java.util.regex.Pattern.compile("127\\.0\\.0\\.1:(\\d+)")
          .matcher(Kubectl.readUntil(proxy, "Starting to serve on 127.0.0.1:",
              Duration.ofSeconds(15)) + Kubectl.readUntil(proxy, "\n", Duration.ofSeconds(2)));
      assertThat(port.find()).as("kubectl proxy's port").isTrue();
      HttpResponse<String> viaKubectlProxy = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.group(1)
              + "/api/v1/namespaces/" + namespace + "/services/node-js:http/proxy/"))
              .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(viaKubectlProxy.body().trim()).as("kubectl proxy reaches the service")
          .startsWith("web-");
    } finally {
      proxy.destroy();
    }

    // one pod's readiness fails: it leaves the endpoints and gets no more traffic
    List<String> pods = podNames(namespace, "app=web");
    String unready = pods.get(0);
    Docker.exec(Docker.containerOf(NODE, namespace, unready, "web"), "rm", "/www/index.html");
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(kubectl.run("get", "endpoints", "node-js", "-n", namespace).out())
            .containsPattern("node-js\\s+\\S+:8080,\\S+:8080\\s"));
    assertThat(answers(client, "http://" + clusterIp + "/", 20)).doesNotContain(unready)
        .isNotEmpty();

    // ClientIP affinity: one client, one pod
    Http.patch(SERVER.api("/api/v1/namespaces/" + namespace + "/services/node-js"),
        "application/merge-patch+json", "{\"spec\":{\"sessionAffinity\":\"ClientIP\"}}");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(answers(client, "http://" + clusterIp + "/", 15)).hasSize(1));

    // the reference's port 90 -> targetPort, named multi-ports, and kubectl expose of a pod
    SERVER.create(namespace, "services", """
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"multi"},
         "spec":{"selector":{"app":"web"},"ports":[
          {"name":"http","port":90,"targetPort":8080},
          {"name":"fake-admin-http","port":8888,"targetPort":"http"}]}}""");
    // expose takes the pod's labels as the selector: every ready web pod answers
    assertThat(kubectl.run("expose", "pod", pods.get(1), "-n", namespace, "--port=80",
        "--target-port=8080", "--name=testing-vip", "--type=LoadBalancer").exitCode()).isZero();
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      assertThat(answers(client, "http://multi:90/", 3)).isNotEmpty()
          .allMatch(name -> name.startsWith("web-"));
      assertThat(answers(client, "http://multi." + namespace + ":8888/", 3)).isNotEmpty()
          .allMatch(name -> name.startsWith("web-"));
      assertThat(answers(client, "http://testing-vip/", 5)).isNotEmpty()
          .allMatch(name -> name.startsWith("web-")).doesNotContain(unready);
    });
  }

  @Test
  void podsOfTwoAgentsOnOneMachineReachEachOtherFromTheirOwnRanges() throws Exception {
    String other = "it-proxy2-" + UUID.randomUUID().toString().substring(0, 6);
    NodeAgent second = NodeAgent.start(NodeAgentIT.config(other, Docker.host(),
        NodeAgentIT.freeKubeletPort(), Files.createTempDirectory("capstan-proxy-agent2")));
    try {
      NodeAgentIT.keepOtherPodsAway(SERVER, other);
      String namespace = SERVER.newNamespace();
      SERVER.create(namespace, "replicationcontrollers", webServers(1));
      SERVER.create(namespace, "pods", client().replace(NODE, other));
      await().atMost(Duration.ofSeconds(60)).until(() -> running(namespace, "client")
          && podNames(namespace, "app=web").stream().anyMatch(pod -> running(namespace, pod)));
      String server = podNames(namespace, "app=web").get(0);
      String serverIp = podIp(namespace, server);
      String clientIp = podIp(namespace, "client");
      assertThat(List.of(serverIp, clientIp)).as("each pod from its own node's range")
          .allMatch(ip -> ip.startsWith(clusterPrefix()));
      assertThat(serverIp.substring(0, serverIp.lastIndexOf('.')))
          .isNotEqualTo(clientIp.substring(0, clientIp.lastIndexOf('.')));

      String client = Docker.containerOf(other, namespace, "client", "client");
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(answers(client, "http://" + serverIp + ":8080/", 1))
              .as("pod to pod across the two agents' bridges").containsExactly(server));
    } finally {
      second.close();
      Docker.removeContainersOf(other);
    }
  }

  @Test
  void aStoppedAgentTakesItsRulesAndARestartedOneRebuildsThemOnce() throws Exception {
    String namespace = SERVER.newNamespace();
    SERVER.create(namespace, "replicationcontrollers", webServers(1));
    SERVER.create(namespace, "services", """
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},
         "spec":{"selector":{"app":"web"},"ports":[{"port":80,"targetPort":8080}]}}""");
    SERVER.create(namespace, "pods", client());
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(kubectl.run("get", "endpoints", "web", "-n", namespace).out())
            .containsPattern("web\\s+\\S+:8080"));
    await().atMost(Duration.ofSeconds(30)).until(() -> running(namespace, "client"));
    String clusterIp = clusterIp(namespace, "web");
    String client = Docker.containerOf(NODE, namespace, "client", "client");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(answers(client, "http://" + clusterIp + "/", 1)).hasSize(1));
    String chains = "CAP-" + sha256(NODE).substring(0, 6);

    agent.close();
    assertThat(iptablesSave()).as("the stopped agent's chains are gone").doesNotContain(chains);

    agent = NodeAgent.start(agentConfig);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(answers(client, "http://" + clusterIp + "/", 1)).hasSize(1));
    assertThat(iptablesSave().lines()
        .filter(line -> line.startsWith("-A PREROUTING") && line.contains(chains)))
        .as("one jump into the rebuilt chains").hasSize(1);
    assertThat(iptablesSave().lines().filter(line -> line.startsWith("-A " + chains
        + "-FIREWALL ") && line.contains("-d 127.0.0.0/8") && line.contains("! -s 127.0.0.0/8")
        && line.contains("\"block incoming localnet connections\"")
        && line.contains("! --ctstate RELATED,ESTABLISHED,DNAT -j DROP")))
        .as("route_localnet comes with kube-proxy's localnet drop rule").hasSize(1);
    // the filter hooks follow the nat ones that already answered
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(iptablesSave().lines().filter(line -> line.startsWith("-A INPUT")
            && line.contains("-j " + chains + "-FIREWALL"))).hasSize(1));
  }

  @Test
  void noRequestFailsWhileADeploymentRollsItsPodsBehindTheService() throws Exception {
    String namespace = SERVER.newNamespace();
    assertThat(Http.postJson(SERVER.api("/apis/apps/v1/namespaces/" + namespace
        + "/deployments"), """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
          "strategy":{"rollingUpdate":{"maxUnavailable":0,"maxSurge":1}},
          "template":%s}}""".formatted(webTemplate(
            ",\"lifecycle\":{\"preStop\":{\"exec\":{\"command\":[\"sleep\",\"3\"]}}}",
            10))).statusCode()).isEqualTo(201);
    SERVER.create(namespace, "services", """
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},
         "spec":{"selector":{"app":"web"},"ports":[{"port":80,"targetPort":8080}]}}""");
    SERVER.create(namespace, "pods", client());
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(kubectl.run("get", "endpoints", "web", "-n", namespace).out())
            .containsPattern("web\\s+\\S+:8080,\\S+:8080"));
    await().atMost(Duration.ofSeconds(30)).until(() -> running(namespace, "client"));
    String clusterIp = clusterIp(namespace, "web");
    String client = Docker.containerOf(NODE, namespace, "client", "client");
    List<String> before = podNames(namespace, "app=web");

    // requests go on all through the rollout: each pod leaves the endpoints (and the rules)
    // when it starts terminating, and serves out its preStop while the rules catch up
    String loop = "ok=0; fail=0; for i in $(seq 150); do if timeout 3 wget -qO- http://"
        + clusterIp + "/ >/dev/null 2>&1; then ok=$((ok+1)); else fail=$((fail+1)); fi;"
        + " sleep 0.1; done; echo $ok $fail";
    java.util.concurrent.CompletableFuture<String> traffic = java.util.concurrent.CompletableFuture
        .supplyAsync(() -> Docker.exec(client, "sh", "-c", loop));
    assertThat(kubectl.run("rollout", "restart", "deployment/web", "-n", namespace).exitCode())
        .isZero();
    assertThat(kubectl.run("rollout", "status", "deployment/web", "-n", namespace,
        "--timeout=120s").exitCode()).isZero();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(podNames(namespace, "app=web")).as("the old pods finished terminating")
            .hasSize(2).doesNotContainAnyElementsOf(before));
    String[] counts = traffic.get(120, java.util.concurrent.TimeUnit.SECONDS).trim().split(" ");
    assertThat(Integer.parseInt(counts[1])).as("failed requests of " + (Integer.parseInt(
        counts[0]) + Integer.parseInt(counts[1]))).isZero();
  }

  private static String sha256(String text) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Test
  void aServiceWithoutEndpointsRefusesConnectionsAndItsRulesGoWithIt() {
    String namespace = SERVER.newNamespace();
    SERVER.create(namespace, "services", """
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"nobody"},
         "spec":{"selector":{"app":"nobody"},"ports":[{"port":80}]}}""");
    String clusterIp = clusterIp(namespace, "nobody");
    SERVER.create(namespace, "pods", client());
    await().atMost(Duration.ofSeconds(30)).until(() -> running(namespace, "client"));
    String client = Docker.containerOf(NODE, namespace, "client", "client");

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(Docker.run("exec", client, "timeout", "5", "wget", "-qO-",
            "http://" + clusterIp + "/").out())
            .as("refused at once, not left to time out").contains("Connection refused"));
    assertThat(iptablesSave()).contains(namespace + "/nobody");
    HttpResponse<String> proxied = Http.get(SERVER.api("/api/v1/namespaces/" + namespace
        + "/services/nobody/proxy/"));
    assertThat(proxied.statusCode()).isEqualTo(503);
    assertThat(Http.json(proxied).getString("message"))
        .isEqualTo("no endpoints available for service \"nobody\"");

    assertThat(kubectl.run("delete", "service", "nobody", "-n", namespace).exitCode()).isZero();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(iptablesSave()).doesNotContain(namespace + "/nobody"));
  }

  @Test
  void aLoadBalancerServiceAnswersOnTheNodesAddressesItReports() throws Exception {
    String namespace = SERVER.newNamespace();
    SERVER.create(namespace, "replicationcontrollers", webServers(1));
    SERVER.create(namespace, "services", """
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"front"},
         "spec":{"type":"LoadBalancer","selector":{"app":"web"},
          "ports":[{"port":18089,"targetPort":8080}]}}""");

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(kubectl.run("get", "service", "front", "-n", namespace).out())
            .containsPattern("front\\s+LoadBalancer\\s+\\S+\\s+\\S*127\\.0\\.0\\.1\\S*\\s+18089:3\\d{4}/TCP"));
    // refused until the pod is ready and in the endpoints
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
        assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:18089/")).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString()).body().trim()).startsWith("web-"));
  }

  /**
   * The distinct pod names that answer {@code count} requests from the client pod (busybox's
   * {@code wget -T} crashes on a refused connection, hence {@code timeout}).
   */
  private static List<String> answers(String client, String url, int count) {
    String out = Docker.exec(client, "sh", "-c",
        "for i in $(seq " + count + "); do timeout 3 wget -qO- " + url + "; done; true");
    return Arrays.stream(out.split("\n")).map(String::trim).filter(s -> !s.isEmpty())
        .distinct().toList();
  }

  private static String iptablesSave() {
    try {
      Process save = new ProcessBuilder("iptables-save").redirectErrorStream(true).start();
      String out = new String(save.getInputStream().readAllBytes());
      save.waitFor();
      return out;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** An RC of busybox httpd pods, each answering with its name, ready while it has a page. */
  private static String webServers(int replicas) {
    return """
        {"apiVersion":"v1","kind":"ReplicationController","metadata":{"name":"web"},
         "spec":{"replicas":%d,"selector":{"app":"web"},"template":%s}}"""
        .formatted(replicas, webTemplate("", 0));
  }

  private static String webTemplate(String containerExtra, int gracePeriod) {
    return """
        {"metadata":{"labels":{"app":"web"}},
         "spec":{"nodeName":"%s","terminationGracePeriodSeconds":%d,
          "containers":[{"name":"web","image":"%s",
           "command":["sh","-c","mkdir -p /www; echo $POD_NAME > /www/index.html; exec httpd -f -p 8080 -h /www"],
           "env":[{"name":"POD_NAME","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}],
           "ports":[{"name":"http","containerPort":8080}],
           "readinessProbe":{"httpGet":{"path":"/index.html","port":8080},
            "periodSeconds":1,"failureThreshold":1}%s}]}}"""
        .formatted(NODE, gracePeriod, NodeAgentIT.IMAGE, containerExtra);
  }

  private static String client() {
    return """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"client"},
         "spec":{"nodeName":"%s","terminationGracePeriodSeconds":0,
          "containers":[{"name":"client","image":"%s","command":["sleep","3600"]}]}}"""
        .formatted(NODE, NodeAgentIT.IMAGE);
  }

  private static boolean running(String namespace, String pod) {
    JsonObject status = Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace
        + "/pods/" + pod))).getJsonObject("status");
    return status != null && "Running".equals(status.getString("phase", ""));
  }

  private static String podIp(String namespace, String pod) {
    return Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace + "/pods/" + pod)))
        .getJsonObject("status").getString("podIP", "");
  }

  private static List<String> podNames(String namespace, String selector) {
    return Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace
            + "/pods?labelSelector=" + selector))).getJsonArray("items")
        .getValuesAs(JsonObject.class).stream()
        .map(pod -> pod.getJsonObject("metadata").getString("name")).toList();
  }

  private static String clusterIp(String namespace, String service) {
    return Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace + "/services/"
        + service))).getJsonObject("spec").getString("clusterIP");
  }

  /** The pod range the fork's servers and agents use (see ForkEnvironment), e.g. 10.245.0.0/16. */
  private static String clusterCidr() {
    return System.getProperty("capstan.cluster-cidr");
  }

  /** The first two octets of {@link #clusterCidr()} with their dots, e.g. "10.245.". */
  private static String clusterPrefix() {
    String[] octets = clusterCidr().split("\\.");
    return octets[0] + "." + octets[1] + ".";
  }
}
