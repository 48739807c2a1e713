package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.disruption.DisruptionBudgets;
import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import dev.capstan.store.entity.StoredObject;
import dev.capstan.watch.Change;
import jakarta.json.JsonObject;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The disruption controller, keyed by PodDisruptionBudget: recomputes each budget's status
 * ({@link DisruptionBudgets#status}) from the pods it selects and the replicas their controllers
 * ask for, and writes it when it changed. Any pod change in a namespace looks at that
 * namespace's budgets.
 */
final class DisruptionController implements Controller {

  private static final ResourceType TYPE = ResourceTypes.POD_DISRUPTION_BUDGET;

  private final ObjectStore store;
  private final Clock clock = Clock.systemUTC();
  private Requeue requeue = (key, when) -> { };

  DisruptionController(ObjectStore store) {
    this.store = store;
  }

  @Override
  public String name() {
    return "disruption controller";
  }

  @Override
  public Set<String> keysFor(Change change) {
    String namespace = change.key().namespace();
    if (change.key().kind().equals(TYPE.kind()) && change.key().apiGroup().equals(TYPE.group())) {
      return Set.of(namespace + "/" + change.key().name());
    }
    if (!ControllerKeys.isOf(change, ResourceTypes.POD)) {
      return Set.of();
    }
    return store.list(TYPE.all(Optional.of(namespace), "")).bodies().stream()
        .map(budget -> namespace + "/" + object(budget, "metadata").getString("name", ""))
        .collect(Collectors.toSet());
  }

  @Override
  public void requeueWith(Requeue requeue) {
    this.requeue = requeue;
  }

  @Override
  public Collection<String> allKeys() {
    return ControllerKeys.all(store, TYPE);
  }

  @Override
  public void reconcile(String key) {
    String[] parts = key.split("/", 2);
    Optional<StoredObject> stored = store.get(TYPE.key(parts[0], parts[1]));
    if (stored.isEmpty() || ObjectMetadata.isDeleting(stored.get().json())) {
      return;
    }
    JsonObject budget = stored.get().json();
    List<JsonObject> pods = store.list(ResourceTypes.POD.all(Optional.of(parts[0]), ""))
        .bodies().stream()
        .filter(pod -> DisruptionBudgets.selects(budget, pod) && !OwnedPods.terminal(pod))
        .toList();
    JsonObject status = DisruptionBudgets.status(budget, pods, expectedScale(pods),
        clock.instant());
    // as Kubernetes' enqueuePdbForRecheck: again when a recorded eviction stops counting
    DisruptionBudgets.nextExpiry(status).ifPresent(when -> requeue.after(key, when));
    if (status.equals(object(budget, "status"))) {
      return;
    }
    try {
      store.update(TYPE.key(parts[0], parts[1]), TYPE.apiVersion(),
          new Preconditions(Optional.empty(), Optional.of(stored.get().resourceVersion())),
          latest -> Json.createObjectBuilder(latest).add("status", status).build());
    } catch (NotFoundException | ConflictException e) {
      // deleted or changed (an eviction) meanwhile: the change brings it back here
    }
  }

  /**
   * The replicas the selected pods' controllers ask for (each controller once; a Deployment's
   * pods by their ReplicaSet's replicas), plus one per pod without a controller.
   */
  private int expectedScale(List<JsonObject> pods) {
    Map<String, Integer> byController = new HashMap<>();
    int uncontrolled = 0;
    for (JsonObject pod : pods) {
      Optional<JsonObject> controller = OwnedPods.controllerOf(pod);
      if (controller.isEmpty()) {
        uncontrolled++;
        continue;
      }
      String uid = controller.get().getString("uid", "");
      if (byController.containsKey(uid)) {
        continue;
      }
      Optional<ResourceType> type = switch (controller.get().getString("kind", "")) {
        case "ReplicationController" -> Optional.of(ResourceTypes.REPLICATION_CONTROLLER);
        case "ReplicaSet" -> Optional.of(ResourceTypes.REPLICA_SET);
        default -> Optional.empty();
      };
      String namespace = object(pod, "metadata").getString("namespace", "");
      byController.put(uid, type.flatMap(t -> store.get(t.key(namespace,
              controller.get().getString("name", ""))))
          .map(owner -> object(owner.json(), "spec").getInt("replicas", 1))
          .orElse(1));
    }
    return uncontrolled + byController.values().stream().mapToInt(Integer::intValue).sum();
  }
}
