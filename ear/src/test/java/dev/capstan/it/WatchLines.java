package dev.capstan.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** An open watch over HTTP: its events arrive on a queue as the server streams them. */
final class WatchLines implements AutoCloseable {

  private final BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
  private final CompletableFuture<HttpResponse<Stream<String>>> response;

  WatchLines(URI uri) {
    response = HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(uri)
            .header("Authorization", "Bearer " + Http.token()).GET().build(),
        HttpResponse.BodyHandlers.ofLines());
    // Async on a thread of its own: with thenAccept, a response that is already complete would
    // make the caller's thread read the whole stream before returning.
    response.thenAcceptAsync(r -> r.body().forEach(line -> {
      if (!line.isBlank()) {
        events.add(Json.createReader(new StringReader(line)).readObject());
      }
    }), runnable -> {
      Thread reader = new Thread(runnable, "watch-reader");
      reader.setDaemon(true);
      reader.start();
    });
  }

  /** The next event within the timeout, or null. */
  JsonObject next(Duration timeout) throws InterruptedException {
    return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  int status() throws Exception {
    return response.get(10, TimeUnit.SECONDS).statusCode();
  }

  @Override
  public void close() {
    response.cancel(true);
  }
}
