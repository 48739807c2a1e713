package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.recording.EventRecorder;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import dev.capstan.watch.Change;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The DaemonSet controller: one pod per eligible node ({@code <daemonset>-<5 chars>}), pinned to
 * its node by required node affinity on {@code metadata.name} so the scheduler binds it there,
 * with the daemon tolerations and the {@code controller-revision-hash} label of its template;
 * follows nodes as they come, go and change, and replaces pods of an old template under
 * RollingUpdate ({@code maxUnavailable} nodes at a time) or, under OnDelete, only as users
 * delete them. The decisions are {@link DaemonSetPlan}'s; this class reads and writes the store.
 */
final class DaemonSetController extends OwnerController {

  private static final Logger LOG = Logger.getLogger(DaemonSetController.class.getName());
  private static final String COMPONENT = "daemonset-controller";

  DaemonSetController(ObjectStore store, EventRecorder events) {
    super(ResourceTypes.DAEMON_SET, ResourceTypes.POD, store, events);
  }

  /** A node that comes, goes or changes may need a daemon pod more or less. */
  @Override
  protected Set<String> otherKeysFor(Change change) {
    return ControllerKeys.isOf(change, ResourceTypes.NODE) ? Set.copyOf(allKeys()) : Set.of();
  }

  @Override
  protected void sync(String key, JsonObject daemonSet, List<JsonObject> pods) {
    String[] parts = key.split("/", 2);
    List<JsonObject> nodes = store.list(ResourceTypes.NODE.all(Optional.empty(), "")).bodies();
    Instant now = Instant.now();
    DaemonSetPlan.Actions actions = DaemonSetPlan.plan(daemonSet, nodes, pods, now);
    boolean namespaceTerminating = store.get(ResourceTypes.NAMESPACE.key("", parts[0]))
        .map(namespace -> ObjectMetadata.isDeleting(namespace.json())).orElse(true);
    if (!namespaceTerminating) {
      recordHistory(key, daemonSet, pods);
      actions.createOn().forEach(node -> create(daemonSet, node));
    }
    actions.delete().forEach(pod -> delete(daemonSet, pod, false));
    actions.forceDelete().forEach(pod -> delete(daemonSet, pod, true));
    actions.recheckAt().ifPresent(at -> requeueAt(key, at));
    updateStatus(daemonSet, actions.status(), parts);
  }

  /**
   * Keeps the DaemonSet's ControllerRevisions ({@link ControllerHistory}): what
   * {@code kubectl rollout history|undo daemonset} read and apply.
   */
  private void recordHistory(String key, JsonObject daemonSet, List<JsonObject> pods) {
    if (!ControllerRevisions.record(store, daemonSet, "DaemonSet", pods)) {
      // the revision to renumber was deleted meanwhile: made anew on the next sync, now
      requeueAt(key, Instant.now());
    }
  }

  private void create(JsonObject daemonSet, String node) {
    JsonObject spec = object(daemonSet, "spec");
    JsonObject template = object(spec, "template");
    String hash = DeploymentController.templateHash(template);
    JsonObject pinned = Json.createObjectBuilder(template).add("spec",
        DaemonSetPlan.daemonPodSpec(object(template, "spec"), node)).build();
    JsonObjectBuilder labels = Json.createObjectBuilder(object(object(template, "metadata"),
        "labels")).add(DaemonSetPlan.HASH_LABEL, hash);
    if (object(daemonSet, "metadata").get("generation") instanceof JsonNumber generation) {
      labels.add("pod-template-generation", generation.toString());
    }
    try {
      OwnedPods.create(store, daemonSet, OwnedPods.controllerReference("apps/v1", "DaemonSet",
              daemonSet), pinned, labels.build())
          .ifPresent(name -> events.normal(daemonSet, COMPONENT, "SuccessfulCreate",
              "Created pod: " + name));
    } catch (RuntimeException e) {
      events.warning(daemonSet, COMPONENT, "FailedCreate", "Error creating: " + e.getMessage());
      LOG.warning(() -> "Creating a daemon pod for node " + node + " failed: " + e);
    }
  }

  private void delete(JsonObject daemonSet, JsonObject pod, boolean force) {
    String name = object(pod, "metadata").getString("name", "");
    if (OwnedPods.terminal(pod)) {
      events.warning(daemonSet, COMPONENT, "FailedDaemonPod", "Found failed daemon pod "
          + object(pod, "metadata").getString("namespace", "") + "/" + name + " on node "
          + DaemonSetPlan.targetNode(pod) + ", will try to kill it");
    }
    boolean deleted = force ? OwnedPods.deleteNow(store, pod) : OwnedPods.delete(store, pod);
    if (deleted) {
      events.normal(daemonSet, COMPONENT, "SuccessfulDelete", "Deleted pod: " + name);
    }
  }

  private void updateStatus(JsonObject daemonSet, JsonObject status, String[] key) {
    if (status.equals(object(daemonSet, "status"))) {
      return;
    }
    try {
      store.update(ResourceTypes.DAEMON_SET.key(key[0], key[1]), "apps/v1", Preconditions.NONE,
          latest -> Json.createObjectBuilder(latest).add("status", status).build());
    } catch (NotFoundException | ConflictException e) {
      // deleted meanwhile
    }
  }
}
