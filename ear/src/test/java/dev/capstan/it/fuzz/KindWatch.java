package dev.capstan.it.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A watch on one kind, opened from the resourceVersion of a list as a client's informer opens
 * it, that remembers the last resourceVersion it saw of each object and every event whose object
 * does not decode. At the end of a run, every object the run left behind must have reached it
 * in its current version.
 */
final class KindWatch implements AutoCloseable {

  final Corpus.Kind kind;
  private final Exchange.Client client;
  private final String collection;
  final Map<String, String> lastSeen = new ConcurrentHashMap<>();
  final Map<String, String> problems = new ConcurrentHashMap<>();
  private volatile String resourceVersion;
  private volatile Stream<String> lines;
  private volatile boolean closed;
  private final Thread thread;

  KindWatch(Exchange.Client client, Corpus.Kind kind, String namespace) {
    this.client = client;
    this.kind = kind;
    this.collection = kind.collection(namespace);
    relist();
    thread = new Thread(this::follow, "fuzz-watch-" + kind.plural());
    thread.setDaemon(true);
    thread.start();
  }

  private void relist() {
    Exchange list = client.get(collection);
    if (list.status() != 200) {
      throw new IllegalStateException("cannot list " + collection + ": " + list.status() + " "
          + list.snippet());
    }
    try {
      JsonNode node = StrictDecoder.tree(list.body());
      for (JsonNode item : node.path("items")) {
        lastSeen.put(key(item), item.path("metadata").path("resourceVersion").asText());
      }
      resourceVersion = node.path("metadata").path("resourceVersion").asText();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("list of " + collection + " is not JSON: " + e);
    }
  }

  static String key(JsonNode object) {
    JsonNode metadata = object.path("metadata");
    return metadata.path("namespace").asText("") + "/" + metadata.path("name").asText();
  }

  private void follow() {
    while (!closed) {
      try {
        HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
            client.api() + collection + "?watch=1&resourceVersion=" + resourceVersion
                + "&timeoutSeconds=600"));
        if (client.token() != null) {
          request.header("Authorization", "Bearer " + client.token());
        }
        HttpResponse<Stream<String>> response = client.http().send(request.GET().build(),
            HttpResponse.BodyHandlers.ofLines());
        lines = response.body();
        if (response.statusCode() != 200) {
          problems.put("(watch)", "watch answered " + response.statusCode());
          lines.close();
          Thread.sleep(500);
          relist();
          continue;
        }
        lines.forEach(this::event);
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        if (!closed) {
          try {
            Thread.sleep(200);
          } catch (InterruptedException interrupted) {
            return;
          }
        }
      }
    }
  }

  private void event(String line) {
    if (line.isBlank()) {
      return;
    }
    JsonNode event;
    try {
      event = StrictDecoder.tree(line);
    } catch (java.io.IOException e) {
      problems.put("(watch)", "a watch event is not JSON: " + e.getMessage());
      return;
    }
    String type = event.path("type").asText();
    JsonNode object = event.path("object");
    if (type.equals("ERROR")) {
      if (object.path("code").asInt() == 410) {
        relist();
        throw new UncheckedIOException(new java.io.IOException("410: relisted"));
      }
      problems.put("(watch)", "watch error event: " + object);
      return;
    }
    String version = object.path("metadata").path("resourceVersion").asText();
    if (!version.isEmpty()) {
      resourceVersion = version;
    }
    if (type.equals("BOOKMARK")) {
      return;
    }
    String key = key(object);
    if (type.equals("DELETED")) {
      lastSeen.remove(key);
    } else {
      lastSeen.put(key, version);
    }
    String problem = StrictDecoder.problem(object, kind.model());
    if (problem != null) {
      problems.put(key, "a " + type + " event's object does not decode: " + problem);
    }
  }

  @Override
  public void close() {
    closed = true;
    Stream<String> current = lines;
    if (current != null) {
      current.close();
    }
    thread.interrupt();
  }
}
