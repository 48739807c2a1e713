package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.AgentConfig;
import dev.capstan.agent.NodeAgent;
import dev.capstan.contract.Topics;
import dev.capstan.contract.tls.PemTls;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 12's first finding, the node agents' shared credential, tried again step by step as the
 * user who found it did, with real kubectl, a real agent and listeners of the test's own:
 *
 * <ol>
 *   <li>a Node pointed at a listener of the user (plain HTTP, then TLS with a certificate of
 *       their own) and a pod bound to it: {@code kubectl logs} and {@code exec} answer a clear
 *       error naming the node, and the listener receives no request, no Authorization header
 *       and no client certificate;
 *   <li>a Node pointed at the real agent of another node: refused, the agent's certificate names
 *       another node;
 *   <li>the real agent: no client certificate 401 (a bearer token changes nothing), a
 *       certificate of the CA for another identity 403, plain HTTP no answer, and it listens
 *       on its node's address only;
 *   <li>the agent's own credential ({@code system:node:<name>}): may not modify another Node,
 *       another node's pod status or pods, nor label itself into privileged roles
 *       (NodeRestriction, 403 in Kubernetes' words);
 *   <li>and logs and exec through the API work end to end.
 * </ol>
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class NodeCredentialIT {

  private static final TestServer SERVER = TestServer.SUITE;
  private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
  private static final String NODE = "it-cred-" + SUFFIX;
  private static final String EVIL_PLAIN = "it-evil-plain-" + SUFFIX;
  private static final String EVIL_TLS = "it-evil-tls-" + SUFFIX;
  private static final String EVIL_REDIRECT = "it-evil-redirect-" + SUFFIX;

  private static NodeAgent agent;
  private static AgentConfig config;
  private static String namespace;
  private static Listener plain;
  private static Listener tls;
  private final Kubectl kubectl = Kubectl.against(SERVER);

  @BeforeAll
  static void startAgentAndListeners() throws Exception {
    config = NodeAgentIT.config(NODE, Docker.host(), NodeAgentIT.freeKubeletPort(),
        Files.createTempDirectory("capstan-agent-cred"));
    agent = NodeAgent.start(config);
    NodeAgentIT.keepOtherPodsAway(SERVER, NODE);
    namespace = SERVER.newNamespace();
    SERVER.create(namespace, "pods", """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"real"},
         "spec":{"nodeName":"%s","terminationGracePeriodSeconds":1,
           "tolerations":[{"operator":"Exists"}],
           "containers":[{"name":"main","image":"capstan/busybox:1",
             "command":["sh","-c","echo real-log-line; sleep 3600"]}]}}""".formatted(NODE));
    plain = Listener.plain();
    NodeCredentials.Issued own = NodeCredentials.selfSigned("evil-" + SUFFIX, EVIL_TLS);
    tls = Listener.tls(PemTls.context(Optional.of(own.certificate()), Optional.of(own.key()),
        NodeCredentials.ca()));
    fakeNode(EVIL_PLAIN, plain.port());
    fakeNode(EVIL_TLS, tls.port());
    fakeNode(EVIL_REDIRECT, config.kubeletPort());
    for (String node : List.of(EVIL_PLAIN, EVIL_TLS, EVIL_REDIRECT)) {
      SERVER.create(namespace, "pods", """
          {"apiVersion":"v1","kind":"Pod","metadata":{"name":"on-%s"},
           "spec":{"nodeName":"%s","tolerations":[{"operator":"Exists"}],
             "containers":[{"name":"main","image":"capstan/busybox:1"}]}}"""
          .formatted(node, node));
    }
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(Kubectl.against(SERVER).run("get", "pod", "real", "-n", namespace).out())
            .containsPattern("(?m)^real\\s+1/1\\s+Running"));
  }

  /**
   * A Node as any token holder could create it, its agent "at" 127.0.0.1:port. The status goes
   * in with the create, as an agent registers: a status write right after the create can be lost
   * to the node IPAM controller's concurrent update (it reads the node before the store's lock).
   */
  private static void fakeNode(String name, int port) {
    var created = Http.postJson(SERVER.api("/api/v1/nodes"), """
        {"apiVersion":"v1","kind":"Node","metadata":{"name":"%s"},
         "spec":{"taints":[{"key":"capstan.dev/test-agent","effect":"NoSchedule"}]},
         "status":{"addresses":[{"type":"InternalIP","address":"127.0.0.1"}],
           "daemonEndpoints":{"kubeletEndpoint":{"Port":%d}}}}""".formatted(name, port));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertPointsAt(name, port);
  }

  private static void assertPointsAt(String name, int port) {
    JsonObject status = Http.json(Http.get(SERVER.api("/api/v1/nodes/" + name)))
        .getJsonObject("status");
    assertThat(status.getJsonArray("addresses").getJsonObject(0).getString("address"))
        .as("node " + name + "'s address").isEqualTo("127.0.0.1");
    assertThat(status.getJsonObject("daemonEndpoints").getJsonObject("kubeletEndpoint")
        .getInt("Port")).isEqualTo(port);
  }

  @AfterAll
  static void stopAgent() throws IOException {
    if (agent != null) {
      agent.close();
    }
    Docker.removeContainersOf(NODE);
    for (Listener listener : new Listener[] {plain, tls}) {
      if (listener != null) {
        listener.close();
      }
    }
    for (String node : List.of(EVIL_PLAIN, EVIL_TLS, EVIL_REDIRECT)) {
      Http.delete(SERVER.api("/api/v1/nodes/" + node));
    }
  }

  /**
   * Each node's agent has a broker identity of its own, which hears of its own node's work and
   * nothing else: not another node's work, not the cluster events, and it can publish nowhere; an
   * outside subscriber hears of no node's work.
   */
  @Test
  void aNodesBrokerIdentityConsumesItsOwnNodesWorkAlone() throws Exception {
    SERVER.create(namespace, "pods", """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"elsewhere"},
         "spec":{"nodeName":"%s","tolerations":[{"operator":"Exists"}],
           "containers":[{"name":"main","image":"capstan/busybox:1"}]}}""".formatted(EVIL_PLAIN));
    try (Subscriber own = Subscriber.connect(SERVER, config.messagingUser(),
        config.messagingPassword())) {
      Session session = own.session();
      MessageConsumer work = session.createConsumer(session.createTopic(
          Topics.nodeWork(NODE)));
      own.start();
      assertThat(Http.patch(SERVER.api("/api/v1/namespaces/" + namespace + "/pods/real"),
          "application/merge-patch+json", "{\"metadata\":{\"labels\":{\"touched\":\"yes\"}}}")
          .statusCode()).isEqualTo(200);
      assertThat(Subscriber.receiveEventFor(work, "real").node()).isEqualTo(NODE);

      assertThatThrownBy(() -> session.createConsumer(session.createTopic(
          Topics.nodeWork(EVIL_PLAIN)))).as("another node's work")
          .isInstanceOf(JMSSecurityException.class);
      assertThatThrownBy(() -> session.createConsumer(own.clusterEvents()))
          .as("the cluster events").isInstanceOf(JMSSecurityException.class);
      assertThatThrownBy(() -> session.createProducer(session.createTopic(Topics.nodeWork(NODE)))
          .send(session.createTextMessage("forged"))).as("publishing its own node's work")
          .isInstanceOf(JMSSecurityException.class);
    }
    try (Subscriber outside = Subscriber.connect(SERVER)) {
      Session session = outside.session();
      assertThatThrownBy(() -> session.createConsumer(session.createTopic(
          Topics.nodeWork(NODE)))).as("a subscriber of cluster events")
          .isInstanceOf(JMSSecurityException.class);
    }
  }

  /**
   * The broker's port speaks TLS alone, with the API's certificate: a client over plain TCP gets
   * no connection (so no password crosses in clear), one that trusts another CA fails the
   * handshake, one that trusts the installation's CA connects.
   */
  @Test
  void theBrokerSpeaksTlsWithTheInstallationsCertificateAlone() throws Exception {
    String quick = "&callTimeout=5000&connectionTTL=5000&clientFailureCheckPeriod=1000";
    try (var plainFactory = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(
        SERVER.plainMessagingUrl() + quick)) {
      assertThatThrownBy(() -> plainFactory.createConnection(config.messagingUser(),
          config.messagingPassword()).close()).as("plain TCP")
          .isInstanceOf(jakarta.jms.JMSException.class);
    }
    NodeCredentials.Issued foreign = NodeCredentials.selfSigned("broker-foreign-" + SUFFIX,
        "localhost");
    try (var foreignFactory = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(
        SERVER.tlsMessagingUrl() + quick + "&trustStorePath="
            + TestServer.caTrustStore(foreign.certificate())
            + "&trustStorePassword=capstan-ca&trustStoreType=PKCS12&verifyHost=true")) {
      assertThatThrownBy(() -> foreignFactory.createConnection(config.messagingUser(),
          config.messagingPassword()).close()).as("TLS trusting another CA")
          .isInstanceOf(jakarta.jms.JMSException.class);
    }
    try (Subscriber verified = Subscriber.connect(SERVER, config.messagingUser(),
        config.messagingPassword())) {
      assertThat(verified.session()).isNotNull();
    }
  }

  @Test
  void aNodePointedAtAPlainListenerGetsNoCredential() {
    assertLeakFails(EVIL_PLAIN, plain);
  }

  @Test
  void aNodePointedAtATlsListenerOfItsOwnGetsNoCredential() {
    assertLeakFails(EVIL_TLS, tls);
    assertThat(tls.clientCertificates).as("client certificates the listener was shown").isEmpty();
  }

  private void assertLeakFails(String node, Listener listener) {
    assertPointsAt(node, listener.port());
    String pod = "on-" + node;
    HttpResponse<String> logs = Http.get(SERVER.api("/api/v1/namespaces/" + namespace
        + "/pods/" + pod + "/log"));
    assertThat(logs.statusCode()).as(logs.body()).isEqualTo(503);
    JsonObject status = Http.json(logs);
    assertThat(status.getString("kind")).isEqualTo("Status");
    assertThat(status.getString("reason")).isEqualTo("ServiceUnavailable");
    assertThat(status.getString("message")).contains("node " + node);

    Kubectl.Result kubectlLogs = kubectl.run("logs", pod, "-n", namespace);
    assertThat(kubectlLogs.exitCode()).as(kubectlLogs.toString()).isNotZero();
    assertThat(kubectlLogs.err()).contains("node " + node);

    Kubectl.Result exec = kubectl.run("exec", pod, "-n", namespace, "--", "id");
    assertThat(exec.exitCode()).as(exec.toString()).isNotZero();
    assertThat(exec.err()).contains("node " + node).doesNotContain("uid=0");

    assertThat(listener.connections).as("the API server did connect").isNotEmpty();
    await().atMost(Duration.ofSeconds(10))
        .until(() -> listener.received.size() >= listener.connections.size());
    for (byte[] received : listener.received) {
      String text = new String(received, StandardCharsets.ISO_8859_1);
      assertThat(text).as("what the listener received")
          .doesNotContainIgnoringCase("authorization")
          .doesNotContain("Bearer")
          .doesNotContain("/containerLogs/")
          .doesNotContain("/exec/");
    }
  }

  @Test
  void aNodePointedAtAnotherNodesAgentIsRefused() {
    assertPointsAt(EVIL_REDIRECT, config.kubeletPort());
    HttpResponse<String> logs = Http.get(SERVER.api("/api/v1/namespaces/" + namespace
        + "/pods/on-" + EVIL_REDIRECT + "/log"));
    assertThat(logs.statusCode()).as(logs.body()).isEqualTo(503);
    assertThat(Http.json(logs).getString("message"))
        .contains("could not be verified as node " + EVIL_REDIRECT)
        .contains("not issued for node " + EVIL_REDIRECT);
  }

  @Test
  void theAgentRefusesEveryoneButTheApiServer() throws Exception {
    URI logs = URI.create("https://127.0.0.1:" + config.kubeletPort() + "/containerLogs/"
        + namespace + "/real/main");
    HttpClient anonymous = client(PemTls.context(Optional.empty(), Optional.empty(),
        NodeCredentials.ca()));
    HttpResponse<String> none = anonymous.send(HttpRequest.newBuilder(logs).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(none.statusCode()).as(none.body()).isEqualTo(401);

    // the node's own token, which any bearer replay would be, is no key to the agent
    HttpResponse<String> token = anonymous.send(HttpRequest.newBuilder(logs)
        .header("Authorization", "Bearer " + config.token()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(token.statusCode()).isEqualTo(401);

    NodeCredentials.Issued other = NodeCredentials.clientCertificate("other-" + SUFFIX,
        "system:node:" + NODE, "system:nodes");
    HttpClient otherIdentity = client(PemTls.context(Optional.of(other.certificate()),
        Optional.of(other.key()), NodeCredentials.ca()));
    HttpResponse<String> forbidden = otherIdentity.send(HttpRequest.newBuilder(logs).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(forbidden.statusCode()).isEqualTo(403);
    assertThat(forbidden.body()).contains("Forbidden (user=system:node:" + NODE
        + ", verb=get, resource=nodes, subresource=proxy)");
    HttpResponse<String> exec = otherIdentity.send(HttpRequest.newBuilder(URI.create(
            "https://127.0.0.1:" + config.kubeletPort() + "/exec/" + namespace
                + "/real/main?command=id")).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(exec.statusCode()).isEqualTo(403);
    assertThat(exec.body()).doesNotContain("uid=");

    // plain HTTP gets no answer at all
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + config.kubeletPort() + "/containerLogs/" + namespace + "/real/main"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void theAgentListensOnItsNodesAddressOnly() throws Exception {
    Optional<InetAddress> other = otherAddress();
    org.junit.jupiter.api.Assumptions.assumeTrue(other.isPresent(),
        "this machine has no address but loopback");
    try (Socket socket = new Socket()) {
      assertThatThrownBy(() -> socket.connect(new InetSocketAddress(other.get(),
          config.kubeletPort()), 3_000)).isInstanceOf(IOException.class);
    }
  }

  @Test
  void theAgentsCredentialChangesOnlyItsOwnNodeAndPods() {
    Kubectl asNode = Kubectl.withToken(SERVER, config.token());
    Kubectl.Result whoCanRead = asNode.run("get", "node", NODE);
    assertThat(whoCanRead.exitCode()).as(whoCanRead.toString()).isZero();

    Kubectl.Result otherNode = asNode.run("label", "node", EVIL_PLAIN, "owned=yes");
    assertThat(otherNode.exitCode()).isNotZero();
    assertThat(otherNode.err()).contains("nodes \"" + EVIL_PLAIN + "\" is forbidden: node \""
        + NODE + "\" is not allowed to modify node \"" + EVIL_PLAIN + "\"");

    Kubectl.Result otherStatus = asNode.run("patch", "node", EVIL_PLAIN, "--subresource=status",
        "--type=merge", "-p", "{\"status\":{\"addresses\":[{\"type\":\"InternalIP\","
            + "\"address\":\"10.9.9.9\"}]}}");
    assertThat(otherStatus.exitCode()).isNotZero();
    assertThat(otherStatus.err()).contains("is not allowed to modify node \"" + EVIL_PLAIN);

    Kubectl.Result podStatus = asNode.run("patch", "pod", "on-" + EVIL_PLAIN, "-n", namespace,
        "--subresource=status", "--type=merge", "-p", "{\"status\":{\"phase\":\"Failed\"}}");
    assertThat(podStatus.exitCode()).isNotZero();
    assertThat(podStatus.err()).contains("pods \"on-" + EVIL_PLAIN + "\" is forbidden: node \""
        + NODE + "\" can only update pod status for pods with spec.nodeName set to itself");

    Kubectl.Result deletePod = asNode.run("delete", "pod", "on-" + EVIL_PLAIN, "-n", namespace,
        "--wait=false");
    assertThat(deletePod.exitCode()).isNotZero();
    assertThat(deletePod.err()).contains("can only delete pods with spec.nodeName set to itself");

    Kubectl.Result newPod = asNode.run("run", "sneaky-" + SUFFIX, "-n", namespace,
        "--image=capstan/busybox:1", "--overrides={\"spec\":{\"nodeName\":\"" + NODE + "\"}}");
    assertThat(newPod.exitCode()).isNotZero();
    assertThat(newPod.err()).contains("can only create mirror pods");

    Kubectl.Result privileged = asNode.run("label", "node", NODE,
        "node-restriction.kubernetes.io/trusted=yes", "node-role.kubernetes.io/control-plane=");
    assertThat(privileged.exitCode()).isNotZero();
    assertThat(privileged.err()).contains("nodes \"" + NODE + "\" is forbidden: is not allowed to"
        + " modify labels: node-restriction.kubernetes.io/trusted,"
        + " node-role.kubernetes.io/control-plane");

    Kubectl.Result untaint = asNode.run("taint", "node", NODE, "capstan.dev/test-agent-");
    assertThat(untaint.exitCode()).isNotZero();
    assertThat(untaint.err()).contains("node \"" + NODE + "\" is not allowed to modify taints");

    // nor namespaces: the node's token once created and deleted them
    Kubectl.Result newNamespace = asNode.run("create", "namespace", "by-node-" + SUFFIX);
    assertThat(newNamespace.exitCode()).isNotZero();
    assertThat(newNamespace.err()).contains("namespaces is forbidden: User \"system:node:" + NODE
        + "\" cannot create resource \"namespaces\" in API group \"\" at the cluster scope");
    Kubectl.Result deleteNamespace = asNode.run("delete", "namespace", namespace, "--wait=false");
    assertThat(deleteNamespace.exitCode()).isNotZero();
    assertThat(deleteNamespace.err()).contains("namespaces \"" + namespace + "\" is forbidden:"
        + " User \"system:node:" + NODE + "\" cannot delete resource \"namespaces\" in API"
        + " group \"\" in the namespace \"" + namespace + "\"");

    Kubectl.Result ownLabel = asNode.run("label", "node", NODE, "example.com/rack=r1");
    assertThat(ownLabel.exitCode()).as(ownLabel.toString()).isZero();

    // the same writes as the administrator: what stops the node is who it is
    Kubectl.Result admin = kubectl.run("label", "node", EVIL_PLAIN, "owned=yes");
    assertThat(admin.exitCode()).as(admin.toString()).isZero();
  }

  @Test
  void theAgentsCredentialReadsOnlyTheSecretsOfItsOwnPods() {
    for (String name : List.of("mine", "theirs")) {
      Kubectl.Result secret = kubectl.run("create", "secret", "generic", name, "-n", namespace,
          "--from-literal=k=" + name);
      assertThat(secret.exitCode()).as(secret.toString()).isZero();
    }
    Kubectl.Result pod = kubectl.withInput("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"uses-mine"},
         "spec":{"nodeName":"%s","tolerations":[{"operator":"Exists"}],
          "containers":[{"name":"main","image":"capstan/busybox:1","command":["sleep","3600"],
           "envFrom":[{"secretRef":{"name":"mine"}}]}]}}""".formatted(NODE),
        "create", "-n", namespace, "-f", "-");
    assertThat(pod.exitCode()).as(pod.toString()).isZero();
    Kubectl asNode = Kubectl.withToken(SERVER, config.token());

    Kubectl.Result mine = asNode.run("get", "secret", "mine", "-n", namespace,
        "-o", "jsonpath={.data.k}");
    assertThat(mine.exitCode()).as(mine.toString()).isZero();
    Kubectl.Result theirs = asNode.run("get", "secret", "theirs", "-n", namespace);
    assertThat(theirs.exitCode()).isNotZero();
    assertThat(theirs.err()).contains("secrets \"theirs\" is forbidden: User \"system:node:"
        + NODE + "\" cannot get resource \"secrets\" in API group \"\" in the namespace \""
        + namespace + "\"").contains("no relationship found between node '" + NODE
        + "' and this object");
    Kubectl.Result all = asNode.run("get", "secrets", "-n", namespace);
    assertThat(all.exitCode()).as("listing Secrets").isNotZero();
    assertThat(all.err()).contains("cannot list resource \"secrets\"");
    kubectl.run("delete", "pod", "uses-mine", "-n", namespace, "--grace-period=0", "--force");
  }

  /**
   * The agent keeps its own credential as the kubelet keeps its client certificate: the first
   * start shows the bootstrap token (which can do nothing else) for a credential of
   * {@code system:node:<name>}, kept 0600 in the agent's state directory; a restart uses that
   * credential again, with the bootstrap token revoked meanwhile, and the node, its lease and its
   * running pod carry on untouched; a credential the API refuses is replaced with a new
   * bootstrap token instead of failing forever.
   */
  @Test
  void theAgentKeepsItsOwnCredentialAcrossRestartsAndReplacesARefusedOne() throws Exception {
    String node = "it-boot-" + SUFFIX;
    String bootstrap = NodeCredentials.bootstrapToken(node);
    Kubectl asBootstrap = Kubectl.withToken(SERVER, bootstrap);
    Kubectl.Result pods = asBootstrap.run("get", "pods", "-n", namespace);
    assertThat(pods.exitCode()).isNotZero();
    assertThat(pods.err()).contains("pods is forbidden: User \"system:bootstrap:" + node
        + "\" cannot list resource \"pods\" in API group \"\" in the namespace \""
        + namespace + "\"");
    HttpResponse<String> othersCredential = tokenRequest("it-other-" + SUFFIX, bootstrap);
    assertThat(othersCredential.statusCode()).as(othersCredential.body()).isEqualTo(403);

    Path dir = Files.createTempDirectory("capstan-agent-boot");
    Path kept = dir.resolve("pki/node-token");
    List<String> subscribed = new CopyOnWriteArrayList<>();
    java.util.logging.Logger work = java.util.logging.Logger.getLogger(
        "dev.capstan.agent.work.NodeWorkSubscriber");
    java.util.logging.Handler listening = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord logged) {
        if (logged.getMessage() != null
            && logged.getMessage().startsWith("Listening for work on " + Topics.nodeWork(node))) {
          subscribed.add(logged.getMessage());
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    work.addHandler(listening);
    NodeAgent first = NodeAgent.start(bootstrapConfig(node, dir, bootstrap));
    NodeAgent restarted = null;
    try {
      NodeAgentIT.keepOtherPodsAway(SERVER, node);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(subscribed)
          .as("the agent subscribed to its work over the broker's TLS port, trusting the CA")
          .isNotEmpty());
      assertThat(Files.exists(dir.resolve("pki/broker-ca.p12"))).isTrue();
      assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(kept))).isEqualTo("rw-------");
      String credential = Files.readString(kept).strip();
      assertThat(whoami(credential)).isEqualTo("system:node:" + node);
      awaitReady(node);
      String nodeUid = Http.json(Http.get(SERVER.api("/api/v1/nodes/" + node)))
          .getJsonObject("metadata").getString("uid");
      SERVER.create(namespace, "pods", """
          {"apiVersion":"v1","kind":"Pod","metadata":{"name":"kept-%s"},
           "spec":{"nodeName":"%s","terminationGracePeriodSeconds":1,
             "tolerations":[{"operator":"Exists"}],
             "containers":[{"name":"main","image":"capstan/busybox:1",
               "command":["sleep","3600"]}]}}""".formatted(SUFFIX, node));
      String container = awaitRunning("kept-" + SUFFIX);

      first.close();
      first = null;
      NodeCredentials.revoke(bootstrap);
      assertThat(Kubectl.withToken(SERVER, bootstrap).run("get", "pods", "-n", namespace).err())
          .as("the bootstrap token is revoked").contains("Unauthorized");
      String renewed = leaseRenewTime(node);
      restarted = NodeAgent.start(bootstrapConfig(node, dir, bootstrap));

      assertThat(Files.readString(kept).strip()).as("the same credential, reused")
          .isEqualTo(credential);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(leaseRenewTime(node)).as("the restarted agent's heartbeat")
              .isNotEqualTo(renewed));
      awaitReady(node);
      assertThat(Http.json(Http.get(SERVER.api("/api/v1/nodes/" + node)))
          .getJsonObject("metadata").getString("uid")).as("the same Node").isEqualTo(nodeUid);
      assertThat(awaitRunning("kept-" + SUFFIX)).as("the pod's container kept running")
          .isEqualTo(container);

      // a credential the API refuses (here: signed by no key of the installation)
      restarted.close();
      restarted = null;
      Files.writeString(kept, forgedCredential(node));
      String again = NodeCredentials.bootstrapToken(node);
      String before = leaseRenewTime(node);
      restarted = NodeAgent.start(bootstrapConfig(node, dir, again));

      String replaced = Files.readString(kept).strip();
      assertThat(replaced).isNotEqualTo(credential).isNotEqualTo(forgedCredential(node));
      assertThat(whoami(replaced)).isEqualTo("system:node:" + node);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(leaseRenewTime(node)).isNotEqualTo(before));
      awaitReady(node);
      assertThat(awaitRunning("kept-" + SUFFIX)).isEqualTo(container);
      NodeCredentials.revoke(again);
    } finally {
      work.removeHandler(listening);
      if (first != null) {
        first.close();
      }
      if (restarted != null) {
        restarted.close();
      }
      kubectl.run("delete", "pod", "kept-" + SUFFIX, "-n", namespace, "--grace-period=0",
          "--force");
      Docker.removeContainersOf(node);
      Http.delete(SERVER.api("/api/v1/nodes/" + node));
    }
  }

  /**
   * An agent as {@code bin/capstan} starts one: a bootstrap token and no credential given, the
   * API's CA, its state in {@code dir}.
   */
  private static AgentConfig bootstrapConfig(String node, Path dir, String bootstrap) {
    NodeCredentials.BrokerUser broker = NodeCredentials.brokerUser(SERVER, node);
    return new AgentConfig(SERVER.secureApi().toString(), "", Optional.of(NodeCredentials.ca()),
        false, node, "127.0.0.1", Docker.host(), Optional.of(SERVER.tlsMessagingUrl()),
        broker.user(), broker.password(), "capstan/pause:1", dir, 110, Duration.ofSeconds(5),
        Duration.ofSeconds(5), NodeAgentIT.freeKubeletPort(),
        Optional.of(NodeCredentials.servingTls(node, "127.0.0.1")), Optional.empty(),
        Optional.of(bootstrap));
  }

  private static HttpResponse<String> tokenRequest(String node, String bearer) throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(PemTls.context(Optional.empty(),
        Optional.empty(), NodeCredentials.ca())).build();
    return client.send(HttpRequest.newBuilder(URI.create(SERVER.secureApi() + "/api/v1/nodes/"
        + node + "/token")).header("Authorization", "Bearer " + bearer)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The user {@code kubectl auth whoami} names for a token. */
  private static String whoami(String token) {
    Kubectl.Result who = Kubectl.withToken(SERVER, token).run("auth", "whoami",
        "-o", "jsonpath={.status.userInfo.username}");
    assertThat(who.exitCode()).as(who.toString()).isZero();
    return who.out().strip();
  }

  private static void awaitReady(String node) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(Kubectl.against(SERVER).run("get", "node", node).out())
            .containsPattern("(?m)^" + node + "\\s+Ready"));
  }

  /** The pod's container id, once it runs. */
  private static String awaitRunning(String pod) {
    String[] id = new String[1];
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      JsonObject status = Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace
          + "/pods/" + pod))).getJsonObject("status");
      assertThat(status.getString("phase", "")).isEqualTo("Running");
      JsonObject container = status.getJsonArray("containerStatuses").getJsonObject(0);
      assertThat(container.getInt("restartCount")).isZero();
      id[0] = container.getString("containerID", "");
      assertThat(id[0]).isNotEmpty();
    });
    return id[0];
  }

  private static String leaseRenewTime(String node) {
    HttpResponse<String> lease = Http.get(SERVER.api(
        "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/" + node));
    return lease.statusCode() == 200
        ? Http.json(lease).getJsonObject("spec").getString("renewTime") : "";
  }

  /** A credential that looks valid for a day to the agent, signed by no key the API has. */
  private static String forgedCredential(String node) {
    java.util.Base64.Encoder encoder = java.util.Base64.getUrlEncoder().withoutPadding();
    long now = System.currentTimeMillis() / 1000;
    return encoder.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(
        StandardCharsets.UTF_8)) + "." + encoder.encodeToString(("{\"iss\":"
        + "\"capstan.dev/node-credentials\",\"sub\":\"system:node:" + node + "\",\"iat\":"
        + (now / 60 * 60) + ",\"exp\":" + (now / 60 * 60 + 86400) + "}")
        .getBytes(StandardCharsets.UTF_8)) + ".Zm9yZ2Vk";
  }

  @Test
  void logsAndExecThroughTheApiStillWork() {
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(kubectl.run("logs", "real", "-n", namespace).out()).contains("real-log-line"));
    Kubectl.Result exec = kubectl.run("exec", "real", "-n", namespace, "--", "echo", "hello");
    assertThat(exec.exitCode()).as(exec.toString()).isZero();
    assertThat(exec.out()).isEqualTo("hello\n");
  }

  private static HttpClient client(SSLContext context) {
    return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  private static Optional<InetAddress> otherAddress() throws IOException {
    for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!network.isUp() || network.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(network.getInetAddresses())) {
        if (address instanceof Inet4Address) {
          return Optional.of(address);
        }
      }
    }
    return Optional.empty();
  }

  /** A listener of the user's own: records the connections and every byte it is sent. */
  private static final class Listener implements AutoCloseable {
    final ServerSocket server;
    final List<String> connections = new CopyOnWriteArrayList<>();
    final List<byte[]> received = new CopyOnWriteArrayList<>();
    final List<Certificate> clientCertificates = new CopyOnWriteArrayList<>();

    private Listener(ServerSocket server) {
      this.server = server;
      Thread thread = new Thread(this::accept, "evil-listener");
      thread.setDaemon(true);
      thread.start();
    }

    static Listener plain() throws IOException {
      return new Listener(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    static Listener tls(SSLContext context) throws IOException {
      SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory()
          .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
      // it would take any client certificate the API server offered
      server.setWantClientAuth(true);
      return new Listener(server);
    }

    int port() {
      return server.getLocalPort();
    }

    private void accept() {
      while (!server.isClosed()) {
        try (Socket socket = server.accept()) {
          connections.add(socket.getRemoteSocketAddress().toString());
          socket.setSoTimeout(3_000);
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          try {
            if (socket instanceof SSLSocket ssl) {
              ssl.startHandshake();
              try {
                clientCertificates.addAll(List.of(ssl.getSession().getPeerCertificates()));
              } catch (IOException e) {
                // no client certificate: the expected case
              }
            }
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            int read;
            while (bytes.size() < 65536 && (read = in.read(buffer)) >= 0) {
              bytes.write(buffer, 0, read);
            }
          } catch (IOException e) {
            // the API server broke off (a failed handshake) or went quiet
          }
          received.add(bytes.toByteArray());
        } catch (IOException e) {
          // closed
        }
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
