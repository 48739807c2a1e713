package dev.capstan.api.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.contract.tls.PemTls;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API server reaches an agent only when the agent's certificate comes from the
 * installation's CA, fits the Node's recorded address and names the node; then it shows its
 * client certificate.
 */
class AgentTlsTest {

  @TempDir
  static Path dir;
  private static final List<String> clients = new CopyOnWriteArrayList<>();
  private static SSLServerSocket agent;
  private static SSLServerSocket impostor;

  @BeforeAll
  static void start() throws Exception {
    TestCa ca = new TestCa(dir);
    ca.issue("node-n1", "/CN=system:node:n1", "subjectAltName=DNS:n1,IP:127.0.0.1\n"
        + "extendedKeyUsage=serverAuth\n");
    ca.issue("kubelet-client", "/O=system:masters/CN=" + PemTls.KUBELET_CLIENT_NAME,
        "extendedKeyUsage=clientAuth\n");
    TestCa other = new TestCa(java.nio.file.Files.createTempDirectory(dir, "other"));
    other.issue("node-n1", "/CN=system:node:n1", "subjectAltName=DNS:n1,IP:127.0.0.1\n"
        + "extendedKeyUsage=serverAuth\n");
    System.setProperty(AgentTls.CLIENT_CERTIFICATE, dir.resolve("kubelet-client.crt").toString());
    System.setProperty(AgentTls.CLIENT_KEY, dir.resolve("kubelet-client.key").toString());
    System.setProperty(AgentTls.CERTIFICATE_AUTHORITY, ca.ca().toString());
    agent = listen(dir, ca.ca());
    impostor = listen(other.dir, ca.ca());
  }

  /** On every address, so that 127.0.0.2 reaches it too. */
  private static SSLServerSocket listen(Path certificates, Path clientCa) throws IOException {
    SSLServerSocket server = (SSLServerSocket) PemTls.context(
            Optional.of(certificates.resolve("node-n1.crt")),
            Optional.of(certificates.resolve("node-n1.key")), clientCa)
        .getServerSocketFactory().createServerSocket(0, 5, (InetAddress) null);
    server.setWantClientAuth(true);
    Thread thread = new Thread(() -> {
      while (!server.isClosed()) {
        try (SSLSocket socket = (SSLSocket) server.accept()) {
          socket.startHandshake();
          clients.add(PemTls.commonName(
              (X509Certificate) socket.getSession().getPeerCertificates()[0]));
          socket.getInputStream().read();
        } catch (IOException e) {
          // a refused handshake, or closed
        }
      }
    });
    thread.setDaemon(true);
    thread.start();
    return server;
  }

  @AfterAll
  static void stop() throws IOException {
    agent.close();
    impostor.close();
  }

  @Test
  void theNodesOwnAgentIsReachedWithTheClientCertificate() throws Exception {
    try (SSLSocket socket = AgentTls.connect(new NodeEndpoints.Agent("n1", "127.0.0.1",
        agent.getLocalPort()))) {
      assertThat(socket.getSession().getPeerPrincipal().getName()).contains("system:node:n1");
    }
    Thread.sleep(200);
    assertThat(clients).contains(PemTls.KUBELET_CLIENT_NAME);
  }

  @Test
  void anAgentWhoseCertificateNamesAnotherNodeIsRefused() {
    assertThatThrownBy(() -> AgentTls.connect(new NodeEndpoints.Agent("n2", "127.0.0.1",
        agent.getLocalPort())))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("the node agent of node n2 at 127.0.0.1:")
        .hasMessageContaining("could not be verified as node n2")
        .hasMessageContaining("is not issued for node n2");
  }

  @Test
  void anAddressTheCertificateDoesNotCoverIsRefused() {
    // 127.0.0.2 is loopback too, but not in the certificate
    assertThatThrownBy(() -> AgentTls.connect(new NodeEndpoints.Agent("n1", "127.0.0.2",
        agent.getLocalPort())))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("could not be verified as node n1");
  }

  @Test
  void aCertificateOfAnotherCaIsRefusedBeforeAnyClientCertificateIsShown() {
    int before = clients.size();
    assertThatThrownBy(() -> AgentTls.connect(new NodeEndpoints.Agent("n1", "127.0.0.1",
        impostor.getLocalPort())))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("could not be verified as node n1");
    assertThat(clients).hasSize(before);
  }

  @Test
  void nobodyListeningIsACleanError() throws Exception {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    assertThatThrownBy(() -> AgentTls.connect(new NodeEndpoints.Agent("n1", "127.0.0.1", port)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("the node agent of node n1 at 127.0.0.1:" + port
            + " does not answer");
  }
}
