package dev.capstan.api.nodes;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.api.status.Statuses;
import jakarta.json.JsonObject;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code pods/log} subresource: the container's log from the node agent that runs the pod
 * (its endpoint is the node's InternalIP and {@code daemonEndpoints.kubeletEndpoint.Port}),
 * streamed through, {@code follow} included. The API server presents the token of
 * {@code capstan.kubelet.client-token.file}, which agents accept.
 */
public final class PodLogs {

  private static final List<String> PASSED_ON = List.of("follow", "previous", "sinceSeconds",
      "timestamps", "tailLines", "limitBytes");
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  private PodLogs() {}

  /**
   * @param pod the pod, as stored
   * @param nodes reads a node by name
   */
  public static Response of(JsonObject pod, MultivaluedMap<String, String> query,
      Function<String, Optional<JsonObject>> nodes) {
    String name = object(pod, "metadata").getString("name", "");
    String namespace = object(pod, "metadata").getString("namespace", "");
    String container = NodeEndpoints.container(pod,
        Optional.ofNullable(query.getFirst("container")));
    String nodeName = NodeEndpoints.nodeName(pod);
    JsonObject node = nodes.apply(nodeName).orElseThrow(() -> Statuses.badRequest(
        "pod " + name + " runs on node " + nodeName + ", which is not registered"));
    NodeEndpoints.Agent agent = NodeEndpoints.agent(node, nodeName);
    URI uri = URI.create("http://" + agent.authority()
        + "/containerLogs/" + NodeEndpoints.encode(namespace) + "/" + NodeEndpoints.encode(name) + "/" + NodeEndpoints.encode(container)
        + passedOn(query));
    HttpResponse<InputStream> response;
    try {
      response = HTTP.send(HttpRequest.newBuilder(uri)
              .header("Authorization", "Bearer " + NodeEndpoints.clientToken()).GET().build(),
          HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw Statuses.serviceUnavailable("the node agent of node " + nodeName + " at "
          + uri.getAuthority() + " does not answer: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Statuses.serviceUnavailable("interrupted");
    }
    if (response.statusCode() != 200) {
      String message;
      try (InputStream body = response.body()) {
        message = new String(body.readNBytes(4096), StandardCharsets.UTF_8).trim();
      } catch (IOException e) {
        message = "status " + response.statusCode();
      }
      throw response.statusCode() == 404 ? Statuses.badRequest(message)
          : Statuses.serviceUnavailable("the node agent of node " + nodeName + " answered "
              + response.statusCode() + ": " + message);
    }
    StreamingOutput stream = out -> copy(response.body(), out);
    return Response.ok(stream).type("text/plain; charset=utf-8").build();
  }

  private static String passedOn(MultivaluedMap<String, String> query) {
    StringBuilder passed = new StringBuilder();
    for (String name : PASSED_ON) {
      String value = query.getFirst(name);
      if (value != null) {
        passed.append(passed.length() == 0 ? "?" : "&").append(name).append('=')
            .append(NodeEndpoints.encode(value));
      }
    }
    return passed.toString();
  }

  private static void copy(InputStream in, OutputStream out) throws IOException {
    try (in) {
      byte[] buffer = new byte[8192];
      int read;
      while ((read = in.read(buffer)) >= 0) {
        out.write(buffer, 0, read);
        out.flush();
      }
    }
  }
}
