package dev.capstan.api.nodes;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.api.status.Statuses;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the API server needs to reach a pod's node agent: the pod's container by name (or its
 * only one), the node's InternalIP and agent port ({@code daemonEndpoints.kubeletEndpoint.Port}),
 * which the API server reaches over TLS ({@link AgentTls}).
 */
final class NodeEndpoints {

  /** Where a node's agent listens, and the node its certificate must name. */
  record Agent(String nodeName, String address, int port) {
    String authority() {
      return address + ":" + port;
    }
  }

  private NodeEndpoints() {}

  static String container(JsonObject pod, Optional<String> requested) {
    String name = object(pod, "metadata").getString("name", "");
    List<String> names = names(pod, "containers");
    if (requested.isPresent() && !requested.get().isEmpty()) {
      // init and ephemeral containers are named explicitly (kubectl debug attaches this way)
      if (!names.contains(requested.get())
          && !names(pod, "initContainers").contains(requested.get())
          && !names(pod, "ephemeralContainers").contains(requested.get())) {
        throw Statuses.badRequest("container " + requested.get() + " is not valid for pod "
            + name);
      }
      return requested.get();
    }
    if (names.size() != 1) {
      throw Statuses.badRequest("a container name must be specified for pod " + name
          + ", choose one of: " + names.toString().replace(",", ""));
    }
    return names.get(0);
  }

  private static List<String> names(JsonObject pod, String list) {
    List<String> names = new ArrayList<>();
    if (object(pod, "spec").get(list) instanceof JsonArray containers) {
      for (JsonValue container : containers) {
        if (container instanceof JsonObject c) {
          names.add(c.getString("name", ""));
        }
      }
    }
    return names;
  }

  static String nodeName(JsonObject pod) {
    String nodeName = object(pod, "spec").getString("nodeName", "");
    if (nodeName.isEmpty()) {
      throw Statuses.badRequest("pod " + object(pod, "metadata").getString("name", "")
          + " does not have a host assigned");
    }
    return nodeName;
  }

  static Agent agent(JsonObject node, String nodeName) {
    String address = null;
    if (object(node, "status").get("addresses") instanceof JsonArray addresses) {
      for (JsonValue entry : addresses) {
        if (entry instanceof JsonObject a && "InternalIP".equals(a.getString("type", ""))) {
          address = a.getString("address");
          break;
        }
      }
    }
    if (address == null) {
      throw Statuses.serviceUnavailable("node " + nodeName + " reports no InternalIP address");
    }
    int port = object(object(object(node, "status"), "daemonEndpoints"), "kubeletEndpoint")
        .getInt("Port", 10250);
    return new Agent(nodeName, address, port);
  }

  /** A path segment or query value, percent-encoded for the agent's URL. */
  static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
