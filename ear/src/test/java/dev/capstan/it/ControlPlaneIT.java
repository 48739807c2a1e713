package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The control plane's own signs of life: health endpoints, version, and its timer. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ControlPlaneIT {

  private static final TestServer SERVER = TestServer.SUITE;

  @Test
  void healthEndpointsAnswerOkWhenDatabaseAndMessagingWork() {
    for (String endpoint : new String[] {"/healthz", "/readyz", "/livez"}) {
      HttpResponse<String> response = Http.get(SERVER.api(endpoint));
      assertThat(response.statusCode()).as(endpoint + ": " + response.body()).isEqualTo(200);
      assertThat(response.body()).as(endpoint).isEqualTo("ok");
    }
  }

  @Test
  void verboseReadinessListsEachCheck() {
    HttpResponse<String> response = Http.get(SERVER.api("/readyz?verbose"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("[+]database ok", "[+]messaging ok", "readyz check passed");
  }

  @Test
  void versionLooksLikeAKubernetesVersion() {
    HttpResponse<String> response = Http.get(SERVER.api("/version"));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject version = Http.json(response);
    assertThat(version.getString("major")).isEqualTo("1");
    assertThat(version.getString("minor")).isEqualTo("32");
    assertThat(version.getString("gitVersion")).startsWith("v1.32.0+capstan");
    assertThat(version.getString("platform")).matches("[a-z]+/[a-z0-9_]+");
  }

  @Test
  void versionIsServedWithATrailingSlashToo() {
    HttpResponse<String> response = Http.get(SERVER.api("/version/"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Http.json(response).getString("minor")).isEqualTo("32");
  }

  @Test
  void heartbeatTimerFiresEveryFewSeconds() throws Exception {
    long first = heartbeats();
    long deadline = System.currentTimeMillis() + 15_000;
    long now = first;
    while (now < first + 2 && System.currentTimeMillis() < deadline) {
      Thread.sleep(500);
      now = heartbeats();
    }
    assertThat(now).as("heartbeats of instance it-capstan within 15 s").isGreaterThanOrEqualTo(first + 2);
  }

  private static long heartbeats() throws Exception {
    Optional<String> count = Database.queryString(
        "select heartbeats::text from control_plane_instance where instance_id = ?", "it-capstan");
    return count.map(Long::parseLong).orElse(0L);
  }
}
