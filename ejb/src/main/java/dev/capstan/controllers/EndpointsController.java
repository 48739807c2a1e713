package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.json.JsonFields;
import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.selection.LabelSelector;
import dev.capstan.store.AlreadyExistsException;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import dev.capstan.store.entity.StoredObject;
import dev.capstan.watch.Change;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The endpoints and EndpointSlice controllers in one loop: for every Service with a selector, an
 * Endpoints object of the same name listing the pods the selector matches (see
 * {@link EndpointSubsets}) and the EndpointSlices for them (see {@link EndpointSlices}), each
 * rewritten only when it changes. Services without a selector keep the Endpoints their users
 * write, mirrored into slices as Kubernetes' mirroring controller does. Endpoints this controller wrote carry the {@value #TRIGGER_TIME} annotation,
 * and its slices the {@value EndpointSlices#MANAGED_BY} label, as Kubernetes' do; only those are
 * deleted when their service goes.
 *
 * <p>Any pod change in a namespace wakes every selecting service of that namespace (a pod whose
 * labels changed must leave the services it matched before), and a change to a managed
 * Endpoints object or slice wakes its service, so a hand edit is put right.
 */
final class EndpointsController implements Controller {

  static final String TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time";
  private static final String HEADLESS = "service.kubernetes.io/headless";
  private static final String SKIP_MIRROR = "endpointslice.kubernetes.io/skip-mirror";

  private final ObjectStore store;

  EndpointsController(ObjectStore store) {
    this.store = store;
  }

  @Override
  public String name() {
    return "endpoints controller";
  }

  @Override
  public Set<String> keysFor(Change change) {
    if (ControllerKeys.isOf(change, ResourceTypes.ENDPOINT_SLICE)) {
      String service = ObjectMetadata.labels(change.object()).getString(
          EndpointSlices.SERVICE_NAME, "");
      return service.isEmpty() ? Set.of() : Set.of(change.key().namespace() + "/" + service);
    }
    if (!change.key().apiGroup().isEmpty()) {
      return Set.of();
    }
    String namespace = change.key().namespace();
    return switch (change.key().kind()) {
      case "Service", "Endpoints" -> Set.of(namespace + "/" + change.key().name());
      case "EndpointSlice" -> Set.of();
      case "Pod" -> store.list(ResourceTypes.SERVICE.all(Optional.of(namespace), "")).bodies()
          .stream()
          .filter(service -> !object(object(service, "spec"), "selector").isEmpty())
          .map(ControllerKeys::of)
          .collect(Collectors.toSet());
      default -> Set.of();
    };
  }

  @Override
  public Collection<String> allKeys() {
    return ControllerKeys.all(store, ResourceTypes.SERVICE);
  }

  @Override
  public void reconcile(String key) {
    String[] parts = key.split("/", 2);
    Optional<StoredObject> service = store.get(ResourceTypes.SERVICE.key(parts[0], parts[1]));
    Optional<StoredObject> endpoints = store.get(ResourceTypes.ENDPOINTS.key(parts[0], parts[1]));
    List<StoredObject> slices = managedSlices(parts[0], parts[1]);
    if (service.isEmpty() || ObjectMetadata.isDeleting(service.get().json())) {
      endpoints.filter(EndpointsController::managed).ifPresent(this::delete);
      slices.forEach(this::delete);
      return;
    }
    Map<String, String> selector = JsonFields.strings(object(object(service.get().json(),
        "spec"), "selector"));
    if (selector.isEmpty()) {
      mirror(parts, service.get(), endpoints, slices);
      return;
    }
    LabelSelector matching = LabelSelector.fromMap(selector);
    List<JsonObject> pods = store.list(ResourceTypes.POD.all(Optional.of(parts[0]), ""))
        .bodies().stream()
        .filter(pod -> matching.matches(JsonFields.strings(object(object(pod, "metadata"),
            "labels"))))
        .toList();
    JsonObject labels = labels(service.get().json());
    JsonArray subsets = EndpointSubsets.of(service.get().json(), pods);
    if (endpoints.isEmpty() || !managed(endpoints.get())
        || !subsets.equals(endpoints.get().json().getOrDefault("subsets", JsonArray.EMPTY_JSON_ARRAY))
        || !labels.equals(ObjectMetadata.labels(endpoints.get().json()))) {
      write(parts, endpoints, labels, subsets);
    }
    reconcileSlices(parts[0], parts[1], labels, EndpointSlices.CONTROLLER, owner(service.get()),
        slices, EndpointSlices.of(service.get().json(), pods));
  }

  /**
   * A service without selector: its users' Endpoints mirrored into slices, as Kubernetes'
   * EndpointSlice mirroring controller does (unless labelled {@value #SKIP_MIRROR}), so clients
   * that read only slices, such as {@code kubectl describe service}, see them too.
   */
  private void mirror(String[] key, StoredObject service, Optional<StoredObject> endpoints,
      List<StoredObject> slices) {
    Optional<JsonObject> mirrored = endpoints.map(StoredObject::json)
        .filter(body -> !"true".equals(ObjectMetadata.labels(body).getString(SKIP_MIRROR, "")));
    JsonObject labels = mirrored.map(ObjectMetadata::labels).orElse(JsonValue.EMPTY_JSON_OBJECT);
    reconcileSlices(key[0], key[1], labels, EndpointSlices.MIRRORING_CONTROLLER, owner(service),
        slices, mirrored.map(body -> EndpointSlices.mirroring(key[1],
                body.getJsonArray("subsets") == null ? JsonValue.EMPTY_JSON_ARRAY
                    : body.getJsonArray("subsets")))
            .orElse(Map.of()));
  }

  private List<StoredObject> managedSlices(String namespace, String service) {
    return store.list(ResourceTypes.ENDPOINT_SLICE.all(Optional.of(namespace), "")).items()
        .stream()
        .filter(slice -> {
          JsonObject labels = ObjectMetadata.labels(slice.json());
          String manager = labels.getString(EndpointSlices.MANAGED_BY, "");
          return service.equals(labels.getString(EndpointSlices.SERVICE_NAME, ""))
              && (EndpointSlices.CONTROLLER.equals(manager)
                  || EndpointSlices.MIRRORING_CONTROLLER.equals(manager));
        })
        .toList();
  }

  /** A slice's owner reference to its service, as the EndpointSlice controller writes it. */
  private static JsonArray owner(StoredObject service) {
    return Json.createArrayBuilder().add(Json.createObjectBuilder()
        .add("apiVersion", "v1").add("kind", "Service").add("name", service.key().name())
        .add("uid", service.uid().toString())
        .add("controller", true).add("blockOwnerDeletion", true)).build();
  }

  private void reconcileSlices(String namespace, String service, JsonObject serviceLabels,
      String manager, JsonArray owners, List<StoredObject> existing,
      Map<String, JsonObject> wanted) {
    JsonObject labels = Json.createObjectBuilder(serviceLabels)
        .add(EndpointSlices.SERVICE_NAME, service)
        .add(EndpointSlices.MANAGED_BY, manager)
        .build();
    Map<String, StoredObject> byName = new java.util.HashMap<>();
    for (StoredObject slice : existing) {
      if (wanted.containsKey(slice.key().name())) {
        byName.put(slice.key().name(), slice);
      } else {
        delete(slice);
      }
    }
    wanted.forEach((name, body) -> {
      StoredObject current = byName.get(name);
      if (current != null && labels.equals(ObjectMetadata.labels(current.json()))
          && owners.equals(object(current.json(), "metadata").get("ownerReferences"))
          && body.entrySet().stream().allMatch(field ->
              field.getValue().equals(current.json().get(field.getKey())))) {
        return;
      }
      writeSlice(namespace, name, labels, owners, body, Optional.ofNullable(current));
    });
  }

  private void writeSlice(String namespace, String name, JsonObject labels, JsonArray owners,
      JsonObject body, Optional<StoredObject> current) {
    try {
      if (current.isEmpty()) {
        store.create(ResourceTypes.ENDPOINT_SLICE.key(namespace, name),
            ResourceTypes.ENDPOINT_SLICE.apiVersion(), Json.createObjectBuilder(body)
                .add("metadata", Json.createObjectBuilder().add("name", name)
                    .add("namespace", namespace).add("labels", labels)
                    .add("ownerReferences", owners))
                .build());
        return;
      }
      store.update(current.get().key(), ResourceTypes.ENDPOINT_SLICE.apiVersion(),
          new Preconditions(Optional.empty(), Optional.of(current.get().resourceVersion())),
          latest -> {
            JsonObjectBuilder updated = Json.createObjectBuilder(latest);
            body.forEach(updated::add);
            return updated.add("metadata", Json.createObjectBuilder(object(latest, "metadata"))
                .add("labels", labels).add("ownerReferences", owners)).build();
          });
    } catch (AlreadyExistsException | ConflictException | NotFoundException e) {
      // written meanwhile: the change it made wakes this key again
    }
  }

  private void write(String[] key, Optional<StoredObject> existing, JsonObject labels,
      JsonArray subsets) {
    String now = ObjectMetadata.timestamp(Instant.now());
    try {
      if (existing.isEmpty()) {
        store.create(ResourceTypes.ENDPOINTS.key(key[0], key[1]), "v1",
            Json.createObjectBuilder()
                .add("metadata", Json.createObjectBuilder().add("name", key[1])
                    .add("namespace", key[0]).add("labels", labels)
                    .add("annotations", Json.createObjectBuilder().add(TRIGGER_TIME, now)))
                .add("subsets", subsets)
                .build());
        return;
      }
      store.update(ResourceTypes.ENDPOINTS.key(key[0], key[1]), "v1",
          new Preconditions(Optional.empty(), Optional.of(existing.get().resourceVersion())),
          current -> {
            JsonObject metadata = object(current, "metadata");
            return Json.createObjectBuilder(current)
                .add("metadata", Json.createObjectBuilder(metadata).add("labels", labels)
                    .add("annotations", Json.createObjectBuilder(object(metadata, "annotations"))
                        .add(TRIGGER_TIME, now)))
                .add("subsets", subsets)
                .build();
          });
    } catch (AlreadyExistsException | ConflictException | NotFoundException e) {
      // written meanwhile: the change it made wakes this key again
    }
  }

  private void delete(StoredObject object) {
    try {
      store.delete(object.key(), object.key().kind().equals("Endpoints") ? "v1"
              : ResourceTypes.ENDPOINT_SLICE.apiVersion(),
          new Preconditions(Optional.of(object.uid().toString()), Optional.empty()));
    } catch (NotFoundException | ConflictException e) {
      // gone already
    }
  }

  /** The service's labels, plus Kubernetes' headless marker for {@code clusterIP: None}. */
  private static JsonObject labels(JsonObject service) {
    JsonObjectBuilder labels = Json.createObjectBuilder(ObjectMetadata.labels(service));
    if ("None".equals(object(service, "spec").getString("clusterIP", ""))) {
      labels.add(HEADLESS, "");
    }
    return labels.build();
  }

  private static boolean managed(StoredObject endpoints) {
    return object(object(endpoints.json(), "metadata"), "annotations").containsKey(TRIGGER_TIME);
  }
}
