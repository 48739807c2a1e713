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

  static final TestServer SUITE = new TestServer(ForkEnvironment.Server.CAPSTAN.portOffset());
  static final TestServer RESTART =
      new TestServer(ForkEnvironment.Server.RESTART.portOffset());
  static final TestServer NO_DATABASE =
      new TestServer(ForkEnvironment.Server.NO_DATABASE.portOffset());
  static final TestServer LEADER = new TestServer(ForkEnvironment.Server.LEADER.portOffset());

  /**
   * A new namespace with a unique name, created on this server, once it holds what the control
   * plane puts in every namespace (the root CA publisher's kube-root-ca.crt), so that a test's
   * watches and lists see only what the test does.
   */
  String newNamespace() {
    String name = NamespaceApiIT.uniqueName();
    assertThat(Http.postJson(api("/api/v1/namespaces"), Http.namespace(name)).statusCode())
        .isEqualTo(201);
    // the root CA publisher's ConfigMap, which pods mount: usually there within a second, but a
    // full run at load 19 (and CI once) saw the controllers' workers starved past 10 s
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
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

  /** The server's base directory (configuration, data, logs), under the build's it.dir. */
  java.nio.file.Path baseDirectory() {
    String name = java.util.Arrays.stream(ForkEnvironment.Server.values())
        .filter(server -> server.portOffset() == portOffset)
        .map(server -> server.directory)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no test server at offset " + portOffset));
    return java.nio.file.Path.of(System.getProperty("it.dir"), name);
  }

  int managementPort() {
    return 9990 + portOffset;
  }

  /**
   * The broker's URL for a client, over TLS with the test installation's CA as the only trust
   * ({@code target/it/tls/ca-trust.p12}, made from {@code ca.crt} on first use) and the host
   * verified, as {@code bin/capstan}'s clients connect.
   */
  String messagingUrl() {
    return tlsMessagingUrl() + "&trustStorePath=" + caTrustStore(NodeCredentials.ca())
        + "&trustStorePassword=capstan-ca&trustStoreType=PKCS12&verifyHost=true";
  }

  /** The broker's URL asking for TLS, with no trust of its own (the agent adds its CA's). */
  String tlsMessagingUrl() {
    return plainMessagingUrl() + "&sslEnabled=true";
  }

  /** The broker's URL as it was before TLS: plain TCP. */
  String plainMessagingUrl() {
    return Topics.clientUrl("127.0.0.1", 61616 + portOffset).replace("reconnectAttempts=-1",
        "reconnectAttempts=0");
  }

  /** A PKCS12 trust store (password {@code capstan-ca}) of the certificates in a PEM file. */
  static synchronized java.nio.file.Path caTrustStore(java.nio.file.Path pem) {
    java.nio.file.Path store = pem.resolveSibling(pem.getFileName().toString()
        .replaceAll("\\.crt$", "") + "-trust.p12");
    if (java.nio.file.Files.exists(store)) {
      return store;
    }
    try {
      java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      int i = 0;
      for (java.security.cert.X509Certificate certificate
          : dev.capstan.contract.tls.PemTls.certificates(pem)) {
        trust.setCertificateEntry("ca-" + i++, certificate);
      }
      try (var out = java.nio.file.Files.newOutputStream(store)) {
        trust.store(out, "capstan-ca".toCharArray());
      }
      return store;
    } catch (java.io.IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
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
