package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import dev.capstan.store.entity.StoredObject;
import dev.capstan.watch.Change;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * LoadBalancer services without a cloud, as k3s's built-in load balancer serves them: every
 * node's service proxy opens the service port on the node's addresses (see the agent's
 * ServiceProxy), and this controller writes those addresses, the InternalIPs of the Ready
 * nodes, as the service's {@code status.loadBalancer.ingress}, so {@code kubectl get service}
 * shows them as EXTERNAL-IP. A service that stops being a LoadBalancer loses them.
 */
final class LoadBalancerController implements Controller {

  private final ObjectStore store;

  LoadBalancerController(ObjectStore store) {
    this.store = store;
  }

  @Override
  public String name() {
    return "load balancer controller";
  }

  @Override
  public Set<String> keysFor(Change change) {
    if (!change.key().apiGroup().isEmpty()) {
      return Set.of();
    }
    return switch (change.key().kind()) {
      case "Service" -> Set.of(change.key().namespace() + "/" + change.key().name());
      case "Node" -> Set.copyOf(allKeys());
      default -> Set.of();
    };
  }

  @Override
  public Collection<String> allKeys() {
    return store.list(ResourceTypes.SERVICE.all(Optional.empty(), "")).bodies().stream()
        .filter(service -> "LoadBalancer".equals(object(service, "spec").getString("type", ""))
            || !ingress(service).isEmpty())
        .map(ControllerKeys::of)
        .toList();
  }

  @Override
  public void reconcile(String key) {
    String[] parts = key.split("/", 2);
    Optional<StoredObject> service = store.get(ResourceTypes.SERVICE.key(parts[0], parts[1]));
    if (service.isEmpty() || ObjectMetadata.isDeleting(service.get().json())) {
      return;
    }
    boolean loadBalancer = "LoadBalancer".equals(object(service.get().json(), "spec")
        .getString("type", ""));
    JsonArray wanted = loadBalancer ? nodeAddresses() : JsonArray.EMPTY_JSON_ARRAY;
    if (wanted.equals(ingress(service.get().json()))) {
      return;
    }
    try {
      store.update(service.get().key(), "v1",
          new Preconditions(Optional.empty(), Optional.of(service.get().resourceVersion())),
          current -> Json.createObjectBuilder(current).add("status",
              Json.createObjectBuilder(object(current, "status")).add("loadBalancer",
                  wanted.isEmpty() ? JsonObject.EMPTY_JSON_OBJECT
                      : Json.createObjectBuilder().add("ingress", wanted).build())).build());
    } catch (NotFoundException | ConflictException e) {
      // changed meanwhile: that change wakes this key again
    }
  }

  private JsonArray nodeAddresses() {
    Set<String> addresses = new TreeSet<>();
    for (JsonObject node : store.list(ResourceTypes.NODE.all(Optional.empty(), "")).bodies()) {
      boolean ready = objects(object(node, "status"), "conditions").stream()
          .anyMatch(c -> "Ready".equals(c.getString("type", ""))
              && "True".equals(c.getString("status", "")));
      if (!ready) {
        continue;
      }
      objects(object(node, "status"), "addresses").stream()
          .filter(address -> "InternalIP".equals(address.getString("type", "")))
          .map(address -> address.getString("address", ""))
          .filter(address -> !address.isEmpty())
          .forEach(addresses::add);
    }
    JsonArrayBuilder ingress = Json.createArrayBuilder();
    addresses.forEach(ip -> ingress.add(Json.createObjectBuilder().add("ip", ip)
        .add("ipMode", "VIP")));
    return ingress.build();
  }

  private static JsonArray ingress(JsonObject service) {
    JsonObject loadBalancer = object(object(service, "status"), "loadBalancer");
    return loadBalancer.get("ingress") instanceof JsonArray array ? array
        : JsonArray.EMPTY_JSON_ARRAY;
  }
}
