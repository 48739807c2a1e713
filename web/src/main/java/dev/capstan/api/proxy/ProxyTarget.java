package dev.capstan.api.proxy;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.api.status.Statuses;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a proxy request goes: {@code [scheme:]name[:port]} of a service or pod resolved to one
 * pod's address, as kube-apiserver resolves it (a service through a ready endpoint of the named
 * or only port, a pod through the port given, by number or container port name).
 *
 * @param scheme http or https
 * @param host the pod IP
 * @param port the pod's port
 */
record ProxyTarget(String scheme, String host, int port) {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** {@code [scheme:]name[:port]} split up. */
  record Spec(String scheme, String name, String port) {

    static Spec parse(String text) {
      String[] parts = text.split(":", -1);
      return switch (parts.length) {
        case 1 -> new Spec("", parts[0], "");
        case 2 -> new Spec("", parts[0], parts[1]);
        case 3 -> new Spec(parts[0], parts[1], parts[2]);
        default -> throw Statuses.badRequest("invalid proxy name " + text);
      };
    }

    String schemeOr(String fallback) {
      return scheme.isEmpty() ? fallback : scheme;
    }
  }

  static ProxyTarget ofPod(JsonObject pod, Spec spec) {
    String ip = object(pod, "status").getString("podIP", "");
    String name = object(pod, "metadata").getString("name", "");
    if (ip.isEmpty()) {
      throw Statuses.serviceUnavailable("pod " + name + " has no IP yet");
    }
    int port;
    if (spec.port().isEmpty()) {
      port = objects(object(pod, "spec"), "containers").stream()
          .flatMap(container -> objects(container, "ports").stream())
          .map(p -> p.getInt("containerPort", 80)).findFirst().orElse(80);
    } else if (spec.port().matches("\\d+")) {
      port = Integer.parseInt(spec.port());
    } else {
      port = objects(object(pod, "spec"), "containers").stream()
          .flatMap(container -> objects(container, "ports").stream())
          .filter(p -> spec.port().equals(p.getString("name", "")))
          .map(p -> p.getInt("containerPort"))
          .findFirst()
          .orElseThrow(() -> Statuses.serviceUnavailable("pod " + name + " has no port named "
              + spec.port()));
    }
    return new ProxyTarget(spec.schemeOr("http"), ip, port);
  }

  static ProxyTarget ofService(JsonObject service, Optional<JsonObject> endpoints, Spec spec) {
    String name = object(service, "metadata").getString("name", "");
    List<JsonObject> ports = objects(object(service, "spec"), "ports");
    JsonObject servicePort = ports.stream()
        .filter(p -> spec.port().isEmpty() ? ports.size() == 1
            : spec.port().equals(p.getString("name", ""))
                || spec.port().equals(String.valueOf(p.getInt("port", -1))))
        .findFirst()
        .orElseThrow(() -> Statuses.serviceUnavailable(spec.port().isEmpty()
            ? "service " + name + " has several ports: name one"
            : "no service port " + spec.port() + " on service " + name));
    String portName = servicePort.getString("name", "");
    List<String[]> candidates = new ArrayList<>();
    for (JsonObject subset : endpoints.map(e -> objects(e, "subsets")).orElse(List.of())) {
      for (JsonObject port : objects(subset, "ports")) {
        if (!portName.equals(port.getString("name", ""))) {
          continue;
        }
        for (JsonObject address : objects(subset, "addresses")) {
          candidates.add(new String[] {address.getString("ip", ""),
              String.valueOf(port.getInt("port"))});
        }
      }
    }
    if (candidates.isEmpty()) {
      throw Statuses.serviceUnavailable("no endpoints available for service \"" + name + "\"");
    }
    String[] chosen = candidates.get(RANDOM.nextInt(candidates.size()));
    String scheme = spec.schemeOr(servicePort.get("appProtocol") instanceof JsonString app
        && app.getString().equals("https") ? "https" : "http");
    return new ProxyTarget(scheme, chosen[0], Integer.parseInt(chosen[1]));
  }
}
