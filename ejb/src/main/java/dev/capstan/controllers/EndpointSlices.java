package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.jsonp.Json;
import dev.capstan.store.ObjectMetadata;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The discovery.k8s.io/v1 EndpointSlices of a Service, computed from the same pods as its
 * Endpoints (see {@link EndpointSubsets}), as Kubernetes' EndpointSlice controller writes them:
 * one slice per set of ports, each endpoint with its {@code ready}/{@code serving}/
 * {@code terminating} conditions (pods being deleted stay listed as terminating), labelled
 * {@value #SERVICE_NAME} so clients such as {@code kubectl describe service} find them. Fields
 * that discovery/v1 makes pointers are written whenever the controller sets them (a port's
 * {@code name} is {@code ""} when unnamed), since clients dereference them unchecked.
 *
 * <p>Unlike Kubernetes, which names slices with {@code generateName}, a slice's name is the
 * service's name and a hash of its ports, so the controller finds the slice to update without
 * bookkeeping and two servers computing the same slice write the same object.
 */
public final class EndpointSlices {

  static final String SERVICE_NAME = "kubernetes.io/service-name";
  static final String MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
  static final String CONTROLLER = "endpointslice-controller.k8s.io";
  static final String MIRRORING_CONTROLLER = "endpointslicemirroring-controller.k8s.io";

  private EndpointSlices() {}

  /** The slices the service should have, by name, each without metadata other than its name. */
  static Map<String, JsonObject> of(JsonObject service, List<JsonObject> pods) {
    JsonObject spec = object(service, "spec");
    String serviceName = object(service, "metadata").getString("name", "");
    boolean publishNotReady = spec.getBoolean("publishNotReadyAddresses", false);
    List<JsonObject> servicePorts = objects(spec, "ports");
    Map<String, JsonArray> portsByKey = new TreeMap<>();
    Map<String, Map<String, JsonObject>> endpointsByKey = new TreeMap<>();
    for (JsonObject pod : pods) {
      String ip = object(pod, "status").getString("podIP", "");
      if (ip.isEmpty() || OwnedPods.terminal(pod)) {
        continue;
      }
      // a pod with none of the service's ports is still an endpoint, in a slice without ports
      JsonArray ports = ports(pod, servicePorts);
      String key = ports.toString();
      portsByKey.put(key, ports);
      JsonObject address = EndpointSubsets.address(pod, ip, service);
      endpointsByKey.computeIfAbsent(key, k -> new TreeMap<>())
          .put(ip + "/" + address.getJsonObject("targetRef").getString("uid", ""),
              endpoint(address, pod, publishNotReady));
    }
    if (portsByKey.isEmpty()) {
      // Kubernetes keeps one empty slice for a service with no endpoints
      portsByKey.put("", Json.createArrayBuilder().build());
      endpointsByKey.put("", Map.of());
    }
    Map<String, JsonObject> slices = new TreeMap<>();
    portsByKey.forEach((key, ports) -> {
      String name = name(serviceName, key);
      JsonArrayBuilder endpoints = Json.createArrayBuilder();
      endpointsByKey.get(key).values().forEach(endpoints::add);
      slices.put(name, Json.createObjectBuilder()
          .add("addressType", "IPv4")
          .add("endpoints", endpoints)
          .add("ports", ports)
          .build());
    });
    return slices;
  }

  /**
   * The slices mirroring the Endpoints of a service without selector, one per subset, by name,
   * as the EndpointSlice mirroring controller writes them.
   */
  static Map<String, JsonObject> mirroring(String serviceName, JsonArray subsets) {
    Map<String, JsonObject> slices = new TreeMap<>();
    for (JsonObject subset : subsets.getValuesAs(JsonObject.class)) {
      JsonObject slice = fromSubset(subset);
      slices.put(name(serviceName, slice.getJsonArray("ports").toString()), slice);
    }
    return slices;
  }

  /**
   * One subset of an Endpoints object as an EndpointSlice's body, as kube-apiserver writes the
   * {@code kubernetes} service's slice and the mirroring controller mirrors hand-written
   * Endpoints: {@code addresses} ready, {@code notReadyAddresses} not, every port with its name.
   */
  public static JsonObject fromSubset(JsonObject subset) {
    JsonArrayBuilder endpoints = Json.createArrayBuilder();
    objects(subset, "addresses").forEach(address -> endpoints.add(mirrored(address, true)));
    objects(subset, "notReadyAddresses")
        .forEach(address -> endpoints.add(mirrored(address, false)));
    JsonArrayBuilder ports = Json.createArrayBuilder();
    for (JsonObject port : objects(subset, "ports")) {
      JsonObjectBuilder mirrored = Json.createObjectBuilder()
          .add("name", port.getString("name", ""))
          .add("port", port.getInt("port", 0))
          .add("protocol", port.getString("protocol", "TCP"));
      if (port.containsKey("appProtocol")) {
        mirrored.add("appProtocol", port.get("appProtocol"));
      }
      ports.add(mirrored);
    }
    return Json.createObjectBuilder()
        .add("addressType", "IPv4")
        .add("endpoints", endpoints)
        .add("ports", ports)
        .build();
  }

  private static JsonObject mirrored(JsonObject address, boolean ready) {
    JsonObjectBuilder endpoint = Json.createObjectBuilder()
        .add("addresses", Json.createArrayBuilder().add(address.getString("ip", "")))
        .add("conditions", Json.createObjectBuilder().add("ready", ready));
    if (!address.getString("hostname", "").isEmpty()) {
      endpoint.add("hostname", address.getString("hostname"));
    }
    if (address.containsKey("nodeName")) {
      endpoint.add("nodeName", address.get("nodeName"));
    }
    if (address.containsKey("targetRef")) {
      endpoint.add("targetRef", address.get("targetRef"));
    }
    return endpoint.build();
  }

  /**
   * One endpoint as the EndpointSlice controller's {@code podToEndpoint} writes it: the three
   * conditions always present, {@code serving} the pod's readiness, {@code ready} serving and not
   * terminating, or true whatever the pod's state when the service publishes not-ready addresses.
   */
  static JsonObject endpoint(JsonObject address, JsonObject pod, boolean publishNotReady) {
    boolean serving = OwnedPods.ready(pod);
    boolean terminating = ObjectMetadata.isDeleting(pod);
    JsonObjectBuilder endpoint = Json.createObjectBuilder()
        .add("addresses", Json.createArrayBuilder().add(address.getString("ip")))
        .add("conditions", Json.createObjectBuilder()
            .add("ready", publishNotReady || (serving && !terminating))
            .add("serving", serving)
            .add("terminating", terminating));
    if (address.containsKey("hostname")) {
      endpoint.add("hostname", address.getString("hostname"));
    }
    if (address.containsKey("nodeName")) {
      endpoint.add("nodeName", address.getString("nodeName"));
    }
    return endpoint.add("targetRef", address.getJsonObject("targetRef")).build();
  }

  /**
   * The pod's ports for the service's ports, sorted, each with its {@code name}, {@code port}
   * and {@code protocol} always present: discovery/v1 makes them pointers, the controller always
   * sets them ({@code ""} for an unnamed port), and {@code kubectl describe service} (1.31+)
   * dereferences {@code name} without a nil check.
   */
  static JsonArray ports(JsonObject pod, List<JsonObject> servicePorts) {
    List<JsonObject> ports = new ArrayList<>();
    for (JsonObject servicePort : servicePorts) {
      EndpointSubsets.targetPort(pod, servicePort).ifPresent(number -> {
        JsonObjectBuilder port = Json.createObjectBuilder()
            .add("name", servicePort.getString("name", ""))
            .add("port", number)
            .add("protocol", servicePort.getString("protocol", "TCP"));
        if (servicePort.containsKey("appProtocol")) {
          port.add("appProtocol", servicePort.get("appProtocol"));
        }
        ports.add(port.build());
      });
    }
    ports.sort(Comparator.comparing(JsonObject::toString));
    return Json.createArrayBuilder(ports).build();
  }

  private static String name(String service, String portsKey) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(portsKey.getBytes(StandardCharsets.UTF_8));
      StringBuilder suffix = new StringBuilder();
      for (int i = 0; i < 5; i++) {
        suffix.append(OwnedPods.NAME_ALPHABET.charAt(
            (digest[i] & 0xff) % OwnedPods.NAME_ALPHABET.length()));
      }
      String prefix = service.length() > 57 ? service.substring(0, 57) : service;
      return prefix + "-" + suffix;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
