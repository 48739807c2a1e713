package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.json.JsonFields;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.recording.EventRecorder;
import dev.capstan.selection.LabelSelector;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import dev.capstan.store.entity.StoredObject;
import dev.capstan.watch.Change;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The replication controller and the ReplicaSet controller (one loop, two kinds): keeps
 * {@code spec.replicas} pods matching the selector, made from the template. Pods matching the
 * selector that no controller owns are adopted, owned pods that stop matching are released;
 * missing pods are created as {@code <owner>-<5 random chars>}, surplus ones deleted (those not
 * yet on a node, then not running, then not ready, then the newest first), with
 * {@code SuccessfulCreate}/{@code SuccessfulDelete} events; the status counts what is there.
 */
final class ReplicaController implements Controller {

  private static final Logger LOG = Logger.getLogger(ReplicaController.class.getName());
  private static final int BURST = 500;
  private static final String REPLICA_FAILURE = "ReplicaFailure";

  private final ResourceType type;
  private final ObjectStore store;
  private final EventRecorder events;
  private final Requeue requeue = new Requeue();

  ReplicaController(ResourceType type, ObjectStore store, EventRecorder events) {
    this.type = type;
    this.store = store;
    this.events = events;
  }

  @Override
  public String name() {
    return type.kind() + " controller";
  }

  @Override
  public Set<String> keysFor(Change change) {
    String namespace = change.key().namespace();
    if (change.key().kind().equals(type.kind())
        && change.key().apiGroup().equals(type.group())) {
      return Set.of(namespace + "/" + change.key().name());
    }
    if (ControllerKeys.isOf(change, ResourceTypes.RESOURCE_QUOTA)) {
      // a quota raised, freed or gone may let a refused create through: try again now
      return store.list(type.all(Optional.of(namespace), "")).bodies().stream()
          .map(o -> namespace + "/" + object(o, "metadata").getString("name", ""))
          .collect(java.util.stream.Collectors.toSet());
    }
    if (!ControllerKeys.isOf(change, ResourceTypes.POD)) {
      return Set.of();
    }
    Optional<JsonObject> owner = OwnedPods.controllerOf(change.object());
    if (owner.isPresent()) {
      return owner.get().getString("kind", "").equals(type.kind())
          ? Set.of(namespace + "/" + owner.get().getString("name", "")) : Set.of();
    }
    // an orphan: the controllers of its namespace whose selector matches may adopt it
    Map<String, String> labels = JsonFields.strings(object(object(change.object(), "metadata"),
        "labels"));
    Set<String> keys = new java.util.HashSet<>();
    for (JsonObject controller : store.list(type.all(Optional.of(namespace), "")).bodies()) {
      if (selector(controller).map(s -> s.matches(labels)).orElse(false)) {
        keys.add(namespace + "/" + object(controller, "metadata").getString("name", ""));
      }
    }
    return keys;
  }

  @Override
  public Collection<String> allKeys() {
    return ControllerKeys.all(store, type);
  }

  @Override
  public Collection<String> dueKeys(java.time.Instant now) {
    return requeue.due(now);
  }

  @Override
  public void reconcile(String key) {
    String[] parts = key.split("/", 2);
    Optional<StoredObject> stored = store.get(type.key(parts[0], parts[1]));
    if (stored.isEmpty() || ObjectMetadata.isDeleting(stored.get().json())) {
      return;
    }
    JsonObject owner = stored.get().json();
    Optional<LabelSelector> selector = selector(owner);
    if (selector.isEmpty()) {
      return;
    }
    String uid = object(owner, "metadata").getString("uid", "");
    List<JsonObject> owned = new ArrayList<>();
    for (JsonObject pod : store.list(ResourceTypes.POD.all(Optional.of(parts[0]), "")).bodies()) {
      Map<String, String> labels = JsonFields.strings(object(object(pod, "metadata"), "labels"));
      boolean matches = selector.get().matches(labels);
      Optional<JsonObject> controller = OwnedPods.controllerOf(pod);
      if (controller.isPresent() && uid.equals(controller.get().getString("uid", ""))) {
        if (matches) {
          owned.add(pod);
        } else {
          setOwner(pod, Optional.empty());
        }
      } else if (controller.isEmpty() && matches && !ObjectMetadata.isDeleting(pod)
          && !OwnedPods.terminal(pod)) {
        setOwner(pod, Optional.of(owner)).ifPresent(owned::add);
      }
    }
    List<JsonObject> active = owned.stream()
        .filter(pod -> !ObjectMetadata.isDeleting(pod) && !OwnedPods.terminal(pod)).toList();
    int wanted = object(owner, "spec").getInt("replicas", 1);
    int diff = wanted - active.size();
    boolean namespaceTerminating = store.get(ResourceTypes.NAMESPACE.key("", parts[0]))
        .map(namespace -> ObjectMetadata.isDeleting(namespace.json())).orElse(true);
    Optional<String> failure = Optional.empty();
    if (diff > 0 && !namespaceTerminating) {
      for (int i = 0; i < Math.min(diff, BURST) && failure.isEmpty(); i++) {
        // as Kubernetes' slow start: a refused create (quota) ends this round
        failure = create(owner);
      }
    } else if (diff < 0) {
      active.stream().sorted(DELETION_ORDER).limit(-diff).forEach(pod -> delete(owner, pod));
    }
    updateStatus(owner, parts, failure);
  }

  /** The events' source, as kube-controller-manager names its two controllers. */
  private String component() {
    return type.kind().equals("ReplicaSet") ? "replicaset-controller" : "replication-controller";
  }

  /** Creates one pod; the error when the create was refused or failed. */
  private Optional<String> create(JsonObject owner) {
    JsonObject template = object(object(owner, "spec"), "template");
    try {
      OwnedPods.create(store, owner, OwnedPods.controllerReference(type.apiVersion(), type.kind(),
              owner), template, object(object(template, "metadata"), "labels"))
          .ifPresent(name -> events.normal(owner, component(), "SuccessfulCreate",
              "Created pod: " + name));
      return Optional.empty();
    } catch (RuntimeException e) {
      events.warning(owner, component(), "FailedCreate", "Error creating: " + e.getMessage());
      LOG.warning(() -> "Creating a pod for " + object(owner, "metadata").getString("namespace", "")
          + "/" + object(owner, "metadata").getString("name", "") + " failed: " + e);
      return Optional.of(String.valueOf(e.getMessage()));
    }
  }

  private void delete(JsonObject owner, JsonObject pod) {
    if (OwnedPods.delete(store, pod)) {
      events.normal(owner, component(), "SuccessfulDelete", "Deleted pod: "
          + object(pod, "metadata").getString("name", ""));
    }
  }


  /** Adopts ({@code owner} present) or releases a pod; empty when that did not happen. */
  private Optional<JsonObject> setOwner(JsonObject pod, Optional<JsonObject> owner) {
    JsonObject metadata = object(pod, "metadata");
    try {
      StoredObject updated = store.update(ResourceTypes.POD.key(metadata.getString("namespace", ""),
              metadata.getString("name", "")), "v1",
          new Preconditions(Optional.of(metadata.getString("uid", "")),
              Optional.of(Long.parseLong(metadata.getString("resourceVersion", "0")))),
          current -> {
            JsonArrayBuilder references = Json.createArrayBuilder();
            objects(object(current, "metadata"), "ownerReferences").stream()
                .filter(reference -> !reference.getBoolean("controller", false))
                .forEach(references::add);
            owner.ifPresent(o -> references.add(
                OwnedPods.controllerReference(type.apiVersion(), type.kind(), o)));
            return Json.createObjectBuilder(current).add("metadata",
                Json.createObjectBuilder(object(current, "metadata"))
                    .add("ownerReferences", references)).build();
          });
      return Optional.of(updated.json());
    } catch (NotFoundException | ConflictException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * The status conditions after a round, as the replica set controller's
   * {@code calculateStatus}: {@code ReplicaFailure} (reason {@code FailedCreate}, the error as
   * message) is added when a create failed and there is none yet, removed after a round without
   * failure; other conditions stay.
   */
  static JsonArray conditions(JsonObject currentStatus, Optional<String> failure,
      java.time.Instant now) {
    List<JsonObject> current = objects(currentStatus, "conditions");
    boolean failing = current.stream()
        .anyMatch(c -> REPLICA_FAILURE.equals(c.getString("type", "")));
    JsonArrayBuilder conditions = Json.createArrayBuilder();
    current.stream()
        .filter(c -> failure.isPresent() || !REPLICA_FAILURE.equals(c.getString("type", "")))
        .forEach(conditions::add);
    if (failure.isPresent() && !failing) {
      conditions.add(Json.createObjectBuilder().add("type", REPLICA_FAILURE)
          .add("status", "True").add("lastTransitionTime", ObjectMetadata.timestamp(now))
          .add("reason", "FailedCreate").add("message", failure.get()));
    }
    return conditions.build();
  }

  private void updateStatus(JsonObject owner, String[] key, Optional<String> failure) {
    String uid = object(owner, "metadata").getString("uid", "");
    Map<String, String> templateLabels = JsonFields.strings(object(object(object(
        object(owner, "spec"), "template"), "metadata"), "labels"));
    List<JsonObject> pods = store.list(ResourceTypes.POD.all(Optional.of(key[0]), ""))
        .bodies().stream()
        .filter(pod -> OwnedPods.controllerOf(pod).map(c -> uid.equals(c.getString("uid", "")))
            .orElse(false))
        .filter(pod -> !ObjectMetadata.isDeleting(pod) && !OwnedPods.terminal(pod))
        .toList();
    long ready = pods.stream().filter(OwnedPods::ready).count();
    int minReady = object(owner, "spec").getInt("minReadySeconds", 0);
    java.time.Instant now = java.time.Instant.now();
    long available = pods.stream().filter(pod -> OwnedPods.available(pod, minReady, now)).count();
    // look again when a ready pod has been ready long enough to count as available
    pods.stream().filter(pod -> OwnedPods.ready(pod) && !OwnedPods.available(pod, minReady, now))
        .map(pod -> OwnedPods.readySince(pod).plusSeconds(minReady))
        .min(java.util.Comparator.naturalOrder())
        .ifPresent(at -> requeue.after(key[0] + "/" + key[1], at));
    long fullyLabeled = pods.stream().filter(pod -> JsonFields.strings(object(object(pod,
        "metadata"), "labels")).entrySet().containsAll(templateLabels.entrySet())).count();
    JsonObjectBuilder computed = Json.createObjectBuilder()
        .add("replicas", pods.size())
        .add("fullyLabeledReplicas", fullyLabeled)
        .add("readyReplicas", ready)
        .add("availableReplicas", available)
        .add("observedGeneration", OwnedPods.generation(owner));
    JsonObject current = object(owner, "status");
    JsonArray conditions = conditions(current, failure, now);
    if (!conditions.isEmpty()) {
      computed.add("conditions", conditions);
    }
    JsonObject status = computed.build();
    if (withoutZeros(status).equals(withoutZeros(current))) {
      return;
    }
    try {
      store.update(type.key(key[0], key[1]), type.apiVersion(), Preconditions.NONE,
          latest -> Json.createObjectBuilder(latest).add("status", status).build());
    } catch (NotFoundException | ConflictException e) {
      // deleted meanwhile
    }
  }

  private static JsonObject withoutZeros(JsonObject status) {
    JsonObjectBuilder kept = Json.createObjectBuilder();
    status.forEach((field, value) -> {
      if (!(value instanceof jakarta.json.JsonNumber number) || number.longValue() != 0) {
        kept.add(field, value);
      }
    });
    return kept.build();
  }

  /** Not yet on a node, then not running, then not ready, then the newest, go first. */
  private static final Comparator<JsonObject> DELETION_ORDER = Comparator
      .comparing((JsonObject pod) -> !object(pod, "spec").getString("nodeName", "").isEmpty())
      .thenComparing(pod -> "Running".equals(object(pod, "status").getString("phase", "")))
      .thenComparing(OwnedPods::ready)
      .thenComparing(pod -> object(pod, "metadata").getString("creationTimestamp", ""),
          Comparator.reverseOrder());

  private Optional<LabelSelector> selector(JsonObject owner) {
    JsonObject spec = object(owner, "spec");
    if (type == ResourceTypes.REPLICATION_CONTROLLER) {
      Map<String, String> selector = JsonFields.strings(object(spec, "selector"));
      return selector.isEmpty() ? Optional.empty() : Optional.of(LabelSelector.fromMap(selector));
    }
    JsonObject selector = object(spec, "selector");
    return selector.isEmpty() ? Optional.empty() : Optional.of(LabelSelector.fromJson(selector));
  }

}
