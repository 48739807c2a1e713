package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every API request is authenticated with a bearer token, except the health and version probes. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AccessIT {

  private static final TestServer SERVER = TestServer.SUITE;

  @ParameterizedTest
  @ValueSource(strings = {"/api/v1/namespaces", "/api", "/apis", "/api/v1/namespaces/default/pods",
      "/no/such/path"})
  void anonymousRequestsAreUnauthorized(String path) {
    HttpResponse<String> response = Http.anonymous(SERVER.api(path));

    assertThat(response.statusCode()).isEqualTo(401);
    JsonObject status = Http.json(response);
    assertThat(status.getString("kind")).isEqualTo("Status");
    assertThat(status.getString("reason")).isEqualTo("Unauthorized");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/healthz", "/livez", "/readyz", "/version"})
  void probesNeedNoToken(String path) {
    assertThat(Http.anonymous(SERVER.api(path)).statusCode()).isEqualTo(200);
  }

  @Test
  void wrongTokenIsUnauthorizedAndTheRightOneIsServed() {
    assertThat(Http.getWithToken(SERVER.api("/api/v1/namespaces"), "not-a-token").statusCode())
        .isEqualTo(401);
    assertThat(Http.getWithToken(SERVER.api("/api/v1/namespaces"), Http.token()).statusCode())
        .isEqualTo(200);
  }

  @Test
  void kubectlWithAWrongTokenIsToldItIsUnauthorized() {
    Kubectl.Result result = Kubectl.withToken(SERVER, "not-the-token").run("get", "namespaces");

    assertThat(result.exitCode()).isNotZero();
    // "(Unauthorized)" when kubectl has discovery cached, "(the server has asked for the client
    // to provide credentials)" when its discovery request is the one refused: both as with Kubernetes.
    assertThat(result.err()).contains("error: You must be logged in to the server (");
  }

  /**
   * WildFly's management interface (on loopback) shows no web console, and its health and metrics
   * answer only a management user.
   */
  @ParameterizedTest
  @ValueSource(strings = {"/health", "/health/ready", "/metrics"})
  void theManagementInterfaceServesNoHealthOrMetricsToAnonymousClients(String path) {
    assertThat(Http.anonymous(management(path)).statusCode()).isEqualTo(401);
  }

  @Test
  void theManagementInterfaceHasNoWebConsole() {
    assertThat(Http.anonymous(management("/console/index.html")).statusCode()).isEqualTo(404);
  }

  /** The API speaks TLS 1.3 and 1.2, as kube-apiserver does. */
  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void theApiSpeaksTls13And12(String protocol) throws Exception {
    assertThat(handshake(protocol)).isEqualTo(protocol);
  }

  private static java.net.URI management(String path) {
    return java.net.URI.create("http://127.0.0.1:" + SERVER.managementPort() + path);
  }

  /** The protocol a handshake with the API's TLS port settles on, offering only the one given. */
  private static String handshake(String protocol) throws Exception {
    javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
    // the handshake is what is looked at here, not whose certificate it is
    context.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
      @Override
      public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String type) {}

      @Override
      public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String type) {}

      @Override
      public java.security.cert.X509Certificate[] getAcceptedIssuers() {
        return new java.security.cert.X509Certificate[0];
      }
    }}, null);
    try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) context.getSocketFactory()
        .createSocket("127.0.0.1", SERVER.secureApi().getPort())) {
      socket.setSoTimeout(10_000);
      javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
      parameters.setProtocols(new String[] {protocol});
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      return socket.getSession().getProtocol();
    }
  }
}
