package dev.capstan.agent.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import dev.capstan.contract.tls.PemTls;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Who may use the agent's endpoint: only the API server, by the client certificate the
 * installation's CA issued it ({@link PemTls#KUBELET_CLIENT_NAME}). The TLS handshake has
 * already refused certificates of any other CA; here a request without a certificate is 401 and
 * one with a certificate of another identity (a node's, a user's) 403, in the kubelet's words.
 *
 * <p>The kubelet asks the API whether the caller may {@code get nodes/proxy} (a
 * SubjectAccessReview). This agent pins the one identity instead: it needs no call back to the
 * API (which may be down while logs are wanted) and no authorization rules of its own, and the
 * API server is the only client the endpoint has.
 */
final class ClientIdentity {

  /** The outcome for one request: {@code status} 0 when it may go on. */
  record Decision(int status, String message) {
    boolean allowed() {
      return status == 0;
    }
  }

  private ClientIdentity() {}

  /**
   * @param verb the kubelet's verb for the request ({@code get}, {@code create})
   * @param subresource the node subresource it stands for ({@code proxy})
   */
  static Decision of(HttpExchange exchange, String verb, String subresource) {
    if (!(exchange instanceof HttpsExchange https)) {
      return new Decision(401, "Unauthorized");
    }
    Certificate[] peer;
    try {
      peer = https.getSSLSession().getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return new Decision(401, "Unauthorized");
    }
    if (peer.length == 0 || !(peer[0] instanceof X509Certificate certificate)) {
      return new Decision(401, "Unauthorized");
    }
    String user = PemTls.commonName(certificate);
    if (!PemTls.KUBELET_CLIENT_NAME.equals(user)) {
      return new Decision(403, "Forbidden (user=" + user + ", verb=" + verb
          + ", resource=nodes, subresource=" + subresource + ")");
    }
    return new Decision(0, "");
  }
}
