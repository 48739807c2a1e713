package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Watch: replay from a resourceVersion, live changes, selectors, and kubectl get -w. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class WatchIT {

  private static final TestServer SERVER = TestServer.SUITE;
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void watchFromAResourceVersionReplaysWhatHappenedSinceInOrder() throws Exception {
    String namespace = SERVER.newNamespace();
    String before = Http.json(Http.get(configMaps(namespace, ""))).getJsonObject("metadata")
        .getString("resourceVersion");
    assertThat(Http.postJson(configMaps(namespace, ""), configMap("app", "v1")).statusCode()).isEqualTo(201);
    assertThat(Http.patch(configMaps(namespace, "/app"), "application/merge-patch+json",
        "{\"data\":{\"version\":\"v2\"}}").statusCode()).isEqualTo(200);
    assertThat(Http.delete(configMaps(namespace, "/app")).statusCode()).isEqualTo(200);

    try (WatchLines watch = new WatchLines(URI.create(configMaps(namespace, "")
        + "?watch=1&resourceVersion=" + before + "&timeoutSeconds=5"))) {
      List<String> seen = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        JsonObject event = watch.next(WAIT);
        assertThat(event).as("event " + i + " after " + seen).isNotNull();
        seen.add(event.getString("type") + " " + event.getJsonObject("object").getJsonObject("data")
            .getString("version", "-"));
      }
      assertThat(seen).containsExactly("ADDED v1", "MODIFIED v2", "DELETED v2");
    }
  }

  @Test
  void liveWatchSeesANewObjectAndOnlyWhatItsSelectorSelects() throws Exception {
    String namespace = SERVER.newNamespace();
    try (WatchLines watch = new WatchLines(URI.create(configMaps(namespace, "")
        + "?watch=true&labelSelector=tier%3Dfront&timeoutSeconds=20"))) {
      assertThat(watch.status()).isEqualTo(200);
      long created = System.nanoTime();
      Http.postJson(configMaps(namespace, ""), configMap("back", "v1").replace("front", "back"));
      Http.postJson(configMaps(namespace, ""), configMap("front", "v1"));

      JsonObject event = watch.next(WAIT);
      assertThat(event).as("an event within " + WAIT).isNotNull();
      assertThat(event.getString("type")).isEqualTo("ADDED");
      assertThat(event.getJsonObject("object").getJsonObject("metadata").getString("name"))
          .isEqualTo("front");
      assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - created)).isLessThan(5);
      assertThat(watch.next(Duration.ofSeconds(1))).as("the back-tier object is not selected").isNull();
    }
  }

  @Test
  void watchWithoutAResourceVersionStartsWithTheCurrentObjects() throws Exception {
    String namespace = SERVER.newNamespace();
    Http.postJson(configMaps(namespace, ""), configMap("existing", "v1"));

    try (WatchLines watch = new WatchLines(URI.create(configMaps(namespace, "") + "?watch=1&timeoutSeconds=5"))) {
      JsonObject event = watch.next(WAIT);
      assertThat(event.getString("type")).isEqualTo("ADDED");
      assertThat(event.getJsonObject("object").getJsonObject("metadata").getString("name"))
          .isEqualTo("existing");
    }
  }

  @Test
  void kubectlGetWatchPrintsChangesAsTheyHappen() throws Exception {
    String namespace = SERVER.newNamespace();
    Process kubectl = Kubectl.against(SERVER).start("get", "configmaps", "-n", namespace, "-w");
    try {
      Thread.sleep(1_500);
      Http.postJson(configMaps(namespace, ""), configMap("watched", "v1"));
      String output = Kubectl.readUntil(kubectl, "watched", WAIT);
      assertThat(output).containsPattern("(?m)^watched\\s+1\\s+\\S+");
      Http.patch(configMaps(namespace, "/watched"), "application/merge-patch+json",
          "{\"data\":{\"extra\":\"x\"}}");
      assertThat(Kubectl.readUntil(kubectl, "watched   2", WAIT))
          .as("the modification shows as a new row with two data entries").containsPattern("(?m)^watched\\s+2\\s+");
    } finally {
      kubectl.destroyForcibly();
    }
  }


  private static URI configMaps(String namespace, String suffix) {
    return SERVER.api("/api/v1/namespaces/" + namespace + "/configmaps" + suffix);
  }

  private static String configMap(String name, String version) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
        + "\",\"labels\":{\"tier\":\"front\"}},\"data\":{\"version\":\"" + version + "\"}}";
  }
}
