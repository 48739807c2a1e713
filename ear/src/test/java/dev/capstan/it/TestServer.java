package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.contract.Topics;
import java.io.File;
import java.net.URI;
import org.jboss.arquillian.container.test.api.ContainerController;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;

/**
 * Where a test server of arquillian.xml listens, and the EAR that is deployed to it: the real
 * capstan.ear built by this module, not an archive assembled for the test.
 *
 * @param portOffset the server's {@code jboss.socket.binding.port-offset}
 */
record TestServer(int portOffset) {

  static final TestServer SUITE = new TestServer(1000);
  static final TestServer RESTART = new TestServer(1100);
  static final TestServer NO_DATABASE = new TestServer(1200);
  static final TestServer LEADER = new TestServer(1300);

  /**
   * A new namespace with a unique name, created on this server, once it holds what the control
   * plane puts in every namespace (the root CA publisher's kube-root-ca.crt), so that a test's
   * watches and lists see only what the test does.
   */
  String newNamespace() {
    String name = NamespaceApiIT.uniqueName();
    assertThat(Http.postJson(api("/api/v1/namespaces"), Http.namespace(name)).statusCode())
        .isEqualTo(201);
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
        .pollInterval(java.time.Duration.ofMillis(50)).until(() -> Http.get(api(
            "/api/v1/namespaces/" + name + "/configmaps/kube-root-ca.crt")).statusCode() == 200);
    return name;
  }

  /**
   * A new namespace whose pods may use the host (hostPath, hostPort, privileged), as a user
   * labels one on Kubernetes: {@code pod-security.kubernetes.io/enforce=privileged}.
   */
  String newPrivilegedNamespace() {
    String name = NamespaceApiIT.uniqueName();
    assertThat(Http.postJson(api("/api/v1/namespaces"), "{\"apiVersion\":\"v1\",\"kind\":"
        + "\"Namespace\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":{"
        + "\"pod-security.kubernetes.io/enforce\":\"privileged\"}}}").statusCode())
        .isEqualTo(201);
    return name;
  }

  /** Creates an object of a core kind ({@code plural}) in a namespace; it must be accepted. */
  void create(String namespace, String plural, String json) {
    var created = Http.postJson(api("/api/v1/namespaces/" + namespace + "/" + plural), json);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }

  URI api(String path) {
    return URI.create("http://127.0.0.1:" + (8080 + portOffset) + path);
  }

  /** The TLS address, as kubectl uses it (it sends bearer tokens only over HTTPS). */
  URI secureApi() {
    return URI.create("https://127.0.0.1:" + (8443 + portOffset));
  }

  String messagingUrl() {
    return Topics.clientUrl("127.0.0.1", 61616 + portOffset).replace("reconnectAttempts=-1",
        "reconnectAttempts=0");
  }

  /**
   * Starts a manual-mode server of arquillian.xml, deploys the EAR to it, runs the test body, and
   * always undeploys and stops it again.
   */
  static void runDeployed(ContainerController containers, Deployer deployer, String container,
      String deployment, Runnable body) {
    containers.start(container);
    try {
      deployer.deploy(deployment);
      body.run();
    } finally {
      deployer.undeploy(deployment);
      containers.stop(container);
    }
  }

  static EnterpriseArchive capstanEar() {
    File ear = new File(System.getProperty("it.ear", "target/capstan.ear"));
    return ShrinkWrap.createFromZipFile(EnterpriseArchive.class, ear);
  }

  static String subscriberUser() {
    return System.getProperty("it.subscriber.user");
  }

  static String subscriberPassword() {
    return System.getProperty("it.subscriber.password");
  }
}
