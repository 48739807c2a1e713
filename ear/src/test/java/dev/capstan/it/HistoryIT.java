package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Revision history and compaction. The suite server keeps 10 s of history and compacts every
 * 2 s (arquillian.xml), so both can be seen within a test.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HistoryIT {

  private static final TestServer SERVER = TestServer.SUITE;

  @Test
  void everyRevisionOfAnObjectIsQueryableEvenAfterItIsDeleted() {
    String namespace = SERVER.newNamespace();
    URI configMap = SERVER.api("/api/v1/namespaces/" + namespace + "/configmaps/app");
    Http.postJson(SERVER.api("/api/v1/namespaces/" + namespace + "/configmaps"),
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"app\"},\"data\":{\"v\":\"1\"}}");
    Http.patch(configMap, "application/merge-patch+json", "{\"data\":{\"v\":\"2\"}}");
    Http.delete(configMap);

    JsonObject history = Http.json(Http.get(URI.create(configMap + "/history")));

    assertThat(history.getString("kind")).isEqualTo("ObjectHistory");
    List<String> entries = history.getJsonArray("items").getValuesAs(JsonObject.class).stream()
        .map(item -> item.getString("type") + " v" + item.getJsonObject("object")
            .getJsonObject("data").getString("v"))
        .toList();
    assertThat(entries).containsExactly("ADDED v1", "MODIFIED v2", "DELETED v2");
  }

  @Test
  void compactedHistoryIsGoneAndAWatchFromBeforeItIsTold410() throws Exception {
    String namespace = SERVER.newNamespace();
    URI configMaps = SERVER.api("/api/v1/namespaces/" + namespace + "/configmaps");
    JsonObject created = Http.json(Http.postJson(configMaps,
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"old\"}}"));
    long revision = Long.parseLong(created.getJsonObject("metadata").getString("resourceVersion"));

    long deadline = System.currentTimeMillis() + 30_000;
    while (compactedRevision() < revision && System.currentTimeMillis() < deadline) {
      Thread.sleep(500);
      // keep the log moving so the newest change is never this one
      Http.postJson(SERVER.api("/api/v1/namespaces"), Http.namespace(NamespaceApiIT.uniqueName()));
    }
    assertThat(compactedRevision()).as("compacted past the create within 30 s").isGreaterThanOrEqualTo(revision);

    try (WatchLines watch = new WatchLines(URI.create(configMaps + "?watch=1&resourceVersion="
        + (revision - 1) + "&timeoutSeconds=5"))) {
      JsonObject event = watch.next(Duration.ofSeconds(10));
      assertThat(event.getString("type")).isEqualTo("ERROR");
      assertThat(event.getJsonObject("object").getInt("code")).isEqualTo(410);
      assertThat(event.getJsonObject("object").getString("reason")).isEqualTo("Expired");
    }
    assertThat(Http.get(URI.create(configMaps + "/old")).statusCode())
        .as("the object itself is still there").isEqualTo(200);
    assertThat(Http.get(URI.create(configMaps + "/old/history")).statusCode())
        .as("its history is compacted away").isEqualTo(404);
  }

  private static long compactedRevision() throws Exception {
    return Long.parseLong(Database.queryString("select compacted::text from cluster_revision").orElse("0"));
  }
}
