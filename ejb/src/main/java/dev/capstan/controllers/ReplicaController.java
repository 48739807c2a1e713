package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.json.JsonFields;
import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.recording.EventRecorder;
import dev.capstan.selection.LabelSelector;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import dev.capstan.watch.Change;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The replication controller and the ReplicaSet controller (one loop, two kinds): keeps
 * {@code spec.replicas} pods matching the selector, made from the template. Pods matching the
 * selector that no controller owns are adopted, owned pods that stop matching are released;
 * missing pods are created as {@code <owner>-<5 random chars>}, surplus ones deleted (those not
 * yet on a node, then not running, then not ready, then the newest first), with
 * {@code SuccessfulCreate}/{@code SuccessfulDelete} events; the status counts what is there.
 */
final class ReplicaController extends OwnerController {

  private static final Logger LOG = Logger.getLogger(ReplicaController.class.getName());
  private static final int BURST = 500;
  private static final String REPLICA_FAILURE = "ReplicaFailure";

  private final ResourceType type;

  ReplicaController(ResourceType type, ObjectStore store, EventRecorder events) {
    super(type, ResourceTypes.POD, store, events);
    this.type = type;
  }

  @Override
  protected Set<String> otherKeysFor(Change change) {
    if (!ControllerKeys.isOf(change, ResourceTypes.RESOURCE_QUOTA)) {
      return Set.of();
    }
    // a quota raised, freed or gone may let a refused create through: try again now
    String namespace = change.key().namespace();
    return store.list(type.all(Optional.of(namespace), "")).bodies().stream()
        .map(ControllerKeys::of)
        .collect(Collectors.toSet());
  }

  /** As Kubernetes' FilterActivePods: finished and deleting pods are neither adopted nor released. */
  @Override
  protected boolean claimable(JsonObject pod) {
    return !ObjectMetadata.isDeleting(pod) && !OwnedPods.terminal(pod);
  }

  @Override
  protected void sync(String key, JsonObject owner, List<JsonObject> owned) {
    if (selector(owner).isEmpty()) {
      return; // selects nothing: neither creates nor counts
    }
    String[] parts = key.split("/", 2);
    List<JsonObject> active = owned.stream().filter(this::claimable).toList();
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
        .ifPresent(at -> requeueAt(key[0] + "/" + key[1], at));
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

  @Override
  protected Optional<LabelSelector> selector(JsonObject owner) {
    if (type != ResourceTypes.REPLICATION_CONTROLLER) {
      return super.selector(owner);
    }
    Map<String, String> selector = JsonFields.strings(object(object(owner, "spec"), "selector"));
    return selector.isEmpty() ? Optional.empty() : Optional.of(LabelSelector.fromMap(selector));
  }
}
