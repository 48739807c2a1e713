package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.jsonp.Json;
import dev.capstan.store.ObjectMetadata;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@code subsets} of a Service's Endpoints, computed from the service and the pods its
 * selector matches, as Kubernetes' endpoints controller computes them: every pod with an IP that
 * is neither finished nor being deleted is an address, under {@code addresses} when it is Ready
 * (or the service publishes not-ready addresses) and {@code notReadyAddresses} otherwise; each
 * service port becomes the pod's port its {@code targetPort} names (a number, or a container
 * port's name looked up in each pod, so pods may differ); a pod lacking a named port is left out
 * of that port. Addresses sharing the same ports are packed into one subset; everything is
 * sorted, so the same pods always give the same subsets and an unchanged set is never rewritten.
 */
final class EndpointSubsets {

  private EndpointSubsets() {}

  static JsonArray of(JsonObject service, List<JsonObject> pods) {
    JsonObject spec = object(service, "spec");
    boolean publishNotReady = spec.getBoolean("publishNotReadyAddresses", false);
    List<JsonObject> servicePorts = objects(spec, "ports");
    // ports (as canonical JSON) -> address IP+name -> (address, ready)
    Map<String, Subset> subsets = new TreeMap<>();
    for (JsonObject pod : pods) {
      String ip = object(pod, "status").getString("podIP", "");
      if (ip.isEmpty() || OwnedPods.terminal(pod) || ObjectMetadata.isDeleting(pod)) {
        continue;
      }
      JsonObject address = address(pod, ip, service);
      boolean ready = publishNotReady || OwnedPods.ready(pod);
      Optional<JsonArray> ports = ports(pod, servicePorts);
      if (ports.isEmpty()) {
        continue;
      }
      JsonArray portArray = ports.get();
      subsets.computeIfAbsent(portArray.toString(), k -> new Subset(portArray))
          .add(address, ready);
    }
    JsonArrayBuilder result = Json.createArrayBuilder();
    subsets.values().forEach(subset -> result.add(subset.toJson()));
    return result.build();
  }

  static JsonObject address(JsonObject pod, String ip, JsonObject service) {
    JsonObject metadata = object(pod, "metadata");
    JsonObject podSpec = object(pod, "spec");
    JsonObjectBuilder address = Json.createObjectBuilder().add("ip", ip);
    String serviceName = object(service, "metadata").getString("name", "");
    if (!podSpec.getString("hostname", "").isEmpty()
        && podSpec.getString("subdomain", "").equals(serviceName)) {
      address.add("hostname", podSpec.getString("hostname"));
    }
    if (!podSpec.getString("nodeName", "").isEmpty()) {
      address.add("nodeName", podSpec.getString("nodeName"));
    }
    return address.add("targetRef", Json.createObjectBuilder()
            .add("kind", "Pod")
            .add("namespace", metadata.getString("namespace", ""))
            .add("name", metadata.getString("name", ""))
            .add("uid", metadata.getString("uid", "")))
        .build();
  }

  /**
   * The pod's ports for the service's ports, sorted; empty when the service has ports and the
   * pod has none of them.
   */
  static Optional<JsonArray> ports(JsonObject pod, List<JsonObject> servicePorts) {
    List<JsonObject> ports = new ArrayList<>();
    for (JsonObject servicePort : servicePorts) {
      targetPort(pod, servicePort).ifPresent(number -> ports.add(endpointPort(servicePort,
          number)));
    }
    if (!servicePorts.isEmpty() && ports.isEmpty()) {
      return Optional.empty();
    }
    ports.sort(Comparator.comparing(JsonObject::toString));
    return Optional.of(Json.createArrayBuilder(ports).build());
  }

  /** The pod's port number a service port's targetPort names, if the pod has it. */
  static Optional<Integer> targetPort(JsonObject pod, JsonObject servicePort) {
    JsonValue target = servicePort.getOrDefault("targetPort", servicePort.get("port"));
    if (target instanceof JsonNumber number) {
      return Optional.of(number.intValue());
    }
    if (!(target instanceof JsonString named)) {
      return Optional.empty();
    }
    if (named.getString().matches("\\d+")) {
      return Optional.of(Integer.parseInt(named.getString()));
    }
    String protocol = servicePort.getString("protocol", "TCP");
    for (JsonObject container : objects(object(pod, "spec"), "containers")) {
      for (JsonObject port : objects(container, "ports")) {
        if (port.getString("name", "").equals(named.getString())
            && port.getString("protocol", "TCP").equals(protocol)
            && port.containsKey("containerPort")) {
          return Optional.of(port.getInt("containerPort"));
        }
      }
    }
    return Optional.empty();
  }

  static JsonObject endpointPort(JsonObject servicePort, int number) {
    JsonObjectBuilder port = Json.createObjectBuilder();
    if (!servicePort.getString("name", "").isEmpty()) {
      port.add("name", servicePort.getString("name"));
    }
    port.add("port", number).add("protocol", servicePort.getString("protocol", "TCP"));
    if (servicePort.containsKey("appProtocol")) {
      port.add("appProtocol", servicePort.get("appProtocol"));
    }
    return port.build();
  }

  private static final class Subset {
    private final JsonArray ports;
    private final Map<String, JsonObject> ready = new TreeMap<>();
    private final Map<String, JsonObject> notReady = new TreeMap<>();

    Subset(JsonArray ports) {
      this.ports = ports;
    }

    void add(JsonObject address, boolean isReady) {
      String key = address.getString("ip") + "/" + object(address, "targetRef")
          .getString("uid", "");
      (isReady ? ready : notReady).put(key, address);
    }

    JsonObject toJson() {
      JsonObjectBuilder subset = Json.createObjectBuilder();
      if (!ready.isEmpty()) {
        subset.add("addresses", Json.createArrayBuilder(List.copyOf(ready.values())));
      }
      if (!notReady.isEmpty()) {
        subset.add("notReadyAddresses", Json.createArrayBuilder(List.copyOf(notReady.values())));
      }
      if (!ports.isEmpty()) {
        subset.add("ports", ports);
      }
      return subset.build();
    }
  }
}
