package dev.capstan.api.nodes;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.api.options.PodLogOptions;
import dev.capstan.api.status.Statuses;
import jakarta.json.JsonObject;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code pods/log} subresource: the container's log from the node agent that runs the pod
 * (its endpoint is the node's InternalIP and {@code daemonEndpoints.kubeletEndpoint.Port}),
 * streamed through, {@code follow} included, over the verified TLS connection of
 * {@link AgentTls} with the API server's client certificate.
 */
public final class PodLogs {

  private PodLogs() {}

  /**
   * @param pod the pod, as stored
   * @param nodes reads a node by name
   */
  public static Response of(JsonObject pod, MultivaluedMap<String, String> query,
      Function<String, Optional<JsonObject>> nodes) {
    String name = object(pod, "metadata").getString("name", "");
    String namespace = object(pod, "metadata").getString("namespace", "");
    PodLogOptions options = PodLogOptions.of(query, name);
    String container = NodeEndpoints.container(pod, options.container());
    String nodeName = NodeEndpoints.nodeName(pod);
    JsonObject node = nodes.apply(nodeName).orElseThrow(() -> Statuses.badRequest(
        "pod " + name + " runs on node " + nodeName + ", which is not registered"));
    NodeEndpoints.Agent agent = NodeEndpoints.agent(node, nodeName);
    String path = "/containerLogs/" + NodeEndpoints.encode(namespace) + "/"
        + NodeEndpoints.encode(name) + "/" + NodeEndpoints.encode(container)
        + passedOn(options.agentParameters());
    DuplexExchange response;
    try {
      response = DuplexExchange.get(agent, path);
    } catch (IOException e) {
      throw Statuses.serviceUnavailable(e.getMessage());
    }
    if (response.status() != 200) {
      String message;
      try (response) {
        message = new String(response.body().readNBytes(4096), StandardCharsets.UTF_8).trim();
      } catch (IOException e) {
        message = "status " + response.status();
      }
      throw response.status() == 404 ? Statuses.badRequest(message)
          : Statuses.serviceUnavailable("the node agent of node " + nodeName + " answered "
              + response.status() + ": " + message);
    }
    StreamingOutput stream = out -> {
      try (response) {
        copy(response.body(), out);
      }
    };
    return Response.ok(stream).type("text/plain; charset=utf-8").build();
  }

  /** The typed options, re-encoded: nothing the client wrote reaches the agent as it was. */
  private static String passedOn(Map<String, String> parameters) {
    StringBuilder passed = new StringBuilder();
    parameters.forEach((name, value) -> passed.append(passed.length() == 0 ? "?" : "&")
        .append(name).append('=').append(NodeEndpoints.encode(value)));
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
