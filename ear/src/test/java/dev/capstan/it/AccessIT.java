package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every API request is authenticated with a bearer token, except the health and version probes. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AccessIT {

  private static final TestServer SERVER = TestServer.SUITE;

  @Deployment(testable = false)
  static EnterpriseArchive capstan() {
    return TestServer.capstanEar();
  }

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
}
