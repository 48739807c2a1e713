package dev.capstan.api.nodes;

import dev.capstan.contract.tls.PemTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The API server's connections to node agents, as kube-apiserver's to kubelets: TLS, trusting
 * only the installation's CA ({@code capstan.kubelet.certificate-authority}), authenticating
 * with the API server's client certificate ({@code capstan.kubelet.client-certificate},
 * {@code capstan.kubelet.client-key}), never with a bearer token a listener could replay.
 *
 * <p>The agent's certificate must be valid for the address the Node records (the name the
 * connection is made to, checked as HTTPS checks a host) and name the node itself (a DNS
 * subject alternative name): a Node pointed at someone's own listener, or at another node's
 * agent, gets a failed handshake, and the client certificate is never shown to a server the CA
 * did not vouch for.
 */
final class AgentTls {

  static final String CLIENT_CERTIFICATE = "capstan.kubelet.client-certificate";
  static final String CLIENT_KEY = "capstan.kubelet.client-key";
  static final String CERTIFICATE_AUTHORITY = "capstan.kubelet.certificate-authority";

  private static volatile Loaded loaded;

  private record Loaded(List<Object> stamp, SSLContext context) {}

  private AgentTls() {}

  /**
   * A verified TLS connection to the agent.
   *
   * @throws IOException naming the node when it cannot be reached or not be verified
   */
  static SSLSocket connect(NodeEndpoints.Agent agent) throws IOException {
    return connect(agent, 5_000, 30_000);
  }

  /**
   * A verified TLS connection to the agent, given up after {@code connectMillis} to connect and
   * {@code handshakeMillis} to shake hands (a resource scrape's tighter bounds, so that an agent
   * that does not answer costs its caller little).
   */
  static SSLSocket connect(NodeEndpoints.Agent agent, int connectMillis, int handshakeMillis)
      throws IOException {
    SSLContext context = context();
    Socket plain = new Socket();
    try {
      plain.connect(new InetSocketAddress(agent.address(), agent.port()), connectMillis);
    } catch (IOException e) {
      plain.close();
      throw new IOException("the node agent of node " + agent.nodeName() + " at "
          + agent.authority() + " does not answer: " + e.getMessage(), e);
    }
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain,
        agent.address(), agent.port(), true);
    try {
      socket.setSoTimeout(handshakeMillis);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      X509Certificate certificate =
          (X509Certificate) socket.getSession().getPeerCertificates()[0];
      if (!dnsNames(certificate).contains(agent.nodeName())) {
        throw new SSLException("its certificate (" + certificate.getSubjectX500Principal()
            + ") is not issued for node " + agent.nodeName());
      }
      socket.setSoTimeout(0);
      return socket;
    } catch (SSLException e) {
      socket.close();
      throw new IOException("the node agent of node " + agent.nodeName() + " at "
          + agent.authority() + " could not be verified as node " + agent.nodeName()
          + " of this cluster: " + e.getMessage(), e);
    } catch (IOException e) {
      socket.close();
      throw new IOException("the node agent of node " + agent.nodeName() + " at "
          + agent.authority() + " broke off the TLS handshake: " + e.getMessage(), e);
    }
  }

  private static List<String> dnsNames(X509Certificate certificate) {
    try {
      Collection<List<?>> names = certificate.getSubjectAlternativeNames();
      return names == null ? List.of() : names.stream()
          .filter(name -> Integer.valueOf(2).equals(name.get(0)))
          .map(name -> String.valueOf(name.get(1))).toList();
    } catch (CertificateParsingException e) {
      return List.of();
    }
  }

  /** The client certificate and CA, read again when the files change. */
  private static SSLContext context() throws IOException {
    Path certificate = file(CLIENT_CERTIFICATE);
    Path key = file(CLIENT_KEY);
    Path authority = file(CERTIFICATE_AUTHORITY);
    List<Object> stamp = List.of(certificate, key, authority,
        Files.getLastModifiedTime(certificate), Files.getLastModifiedTime(key),
        Files.getLastModifiedTime(authority));
    Loaded current = loaded;
    if (current == null || !current.stamp().equals(stamp)) {
      current = new Loaded(stamp, PemTls.context(Optional.of(certificate), Optional.of(key),
          authority));
      loaded = current;
    }
    return current.context();
  }

  private static Path file(String property) throws IOException {
    String value = System.getProperty(property, "");
    if (value.isBlank()) {
      throw new IOException("this server has no TLS material for node agents (" + property
          + " is not set)");
    }
    return Path.of(value);
  }
}
