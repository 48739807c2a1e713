package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain HTTP client for the API, as any Kubernetes client would talk to it. */
final class Http {

  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private Http() {}

  static HttpResponse<String> get(URI uri) {
    return send(HttpRequest.newBuilder(uri).GET());
  }

  static HttpResponse<String> post(URI uri, String contentType, String body) {
    return send(HttpRequest.newBuilder(uri)
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  static HttpResponse<String> postJson(URI uri, String json) {
    return post(uri, "application/json", json);
  }

  static HttpResponse<String> put(URI uri, String json) {
    return send(HttpRequest.newBuilder(uri)
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  static HttpResponse<String> patch(URI uri, String contentType, String body) {
    return send(HttpRequest.newBuilder(uri)
        .header("Content-Type", contentType)
        .method("PATCH", HttpRequest.BodyPublishers.ofString(body)));
  }

  static HttpResponse<String> delete(URI uri) {
    return send(HttpRequest.newBuilder(uri).DELETE());
  }

  /** A DELETE with a body: DeleteOptions. */
  static HttpResponse<String> delete(URI uri, String json) {
    return send(HttpRequest.newBuilder(uri)
        .header("Content-Type", "application/json")
        .method("DELETE", HttpRequest.BodyPublishers.ofString(json)));
  }

  static HttpResponse<String> get(URI uri, String accept) {
    return send(HttpRequest.newBuilder(uri).header("Accept", accept).GET());
  }

  static JsonObject json(HttpResponse<String> response) {
    try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
      return reader.readObject();
    }
  }

  /** The answer is a Kubernetes Status with this code, reason and message. */
  static void assertStatus(HttpResponse<String> response, int code, String reason,
      String message) {
    assertThat(response.statusCode()).as(response.body())
        .isEqualTo(code);
    JsonObject status = json(response);
    assertThat(status.getString("kind")).isEqualTo("Status");
    assertThat(status.getString("reason")).isEqualTo(reason);
    assertThat(status.getString("message")).isEqualTo(message);
    assertThat(status.getInt("code")).isEqualTo(code);
  }

  static String namespace(String name) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\"}}";
  }

  /** The bearer token of the test servers' admin user. */
  static String token() {
    return System.getProperty("it.admin.token");
  }

  /** A request as an anonymous client sends it: no Authorization header. */
  static HttpResponse<String> anonymous(URI uri) {
    return sendAs(HttpRequest.newBuilder(uri).GET(), null);
  }

  static HttpResponse<String> getWithToken(URI uri, String token) {
    return sendAs(HttpRequest.newBuilder(uri).GET(), token);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) {
    return sendAs(request, token());
  }

  private static HttpResponse<String> sendAs(HttpRequest.Builder request, String token) {
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      return CLIENT.send(request.timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
