package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.recording.EventRecorder;
import dev.capstan.store.AlreadyExistsException;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.logging.Logger;

/**
 * The StatefulSet controller: stable pods {@code <set>-<ordinal>} with their own claims, in
 * order or in parallel, rolling updates by partition, and the set's ControllerRevisions (so
 * {@code kubectl rollout history|undo|status statefulset} work). The decisions are
 * {@link StatefulSetPlan}'s and {@link ControllerHistory}'s; this class reads and writes the
 * store. A set's claims outlive its pods (retained on scale-down), and with the default
 * retention policy the set itself; a pod made again gets the same claims, and so its data.
 */
final class StatefulSetController extends OwnerController {

  private static final Logger LOG = Logger.getLogger(StatefulSetController.class.getName());
  private static final String COMPONENT = "statefulset-controller";

  StatefulSetController(ObjectStore store, EventRecorder events) {
    super(ResourceTypes.STATEFUL_SET, ResourceTypes.POD, store, events);
  }

  @Override
  protected void sync(String key, JsonObject set, List<JsonObject> pods) {
    if (!ControllerRevisions.record(store, set, "StatefulSet", pods)) {
      requeueAt(key, Instant.now());
    }
    String name = object(set, "metadata").getString("name", "");
    String updateRevision = name + "-" + DeploymentController.templateHash(
        object(object(set, "spec"), "template"));
    StatefulSetPlan.Actions actions = StatefulSetPlan.plan(set, pods, updateRevision);
    String[] parts = key.split("/", 2);
    boolean namespaceTerminating = store.get(ResourceTypes.NAMESPACE.key("", parts[0]))
        .map(namespace -> ObjectMetadata.isDeleting(namespace.json())).orElse(true);
    if (!namespaceTerminating) {
      actions.create().forEach(ordinal -> create(set, ordinal, updateRevision));
    }
    actions.delete().forEach(pod -> delete(set, pod));
    updateStatus(set, actions.status(), parts);
  }

  private void create(JsonObject set, int ordinal, String revision) {
    JsonObject metadata = object(set, "metadata");
    String namespace = metadata.getString("namespace", "");
    String pod = metadata.getString("name", "") + "-" + ordinal;
    for (JsonObject claim : StatefulSetPlan.claims(set, ordinal)) {
      String claimName = object(claim, "metadata").getString("name", "");
      if (store.get(ResourceTypes.PERSISTENT_VOLUME_CLAIM.key(namespace, claimName))
          .isPresent()) {
        continue;
      }
      try {
        store.create(ResourceTypes.PERSISTENT_VOLUME_CLAIM.key(namespace, claimName), "v1",
            claim);
        events.normal(set, COMPONENT, "SuccessfulCreate", "create Claim " + claimName
            + " Pod " + pod + " in StatefulSet " + metadata.getString("name", "") + " success");
      } catch (AlreadyExistsException e) {
        // made meanwhile
      } catch (RuntimeException e) {
        events.warning(set, COMPONENT, "FailedCreate", "create Claim " + claimName + " for Pod "
            + pod + " in StatefulSet " + metadata.getString("name", "") + " failed error: "
            + e.getMessage());
        return; // the pod waits for its claims
      }
    }
    try {
      JsonObject template = object(object(set, "spec"), "template");
      if (OwnedPods.createNamed(store, namespace, pod,
          OwnedPods.controllerReference("apps/v1", "StatefulSet", set),
          StatefulSetPlan.podLabels(set, ordinal, revision),
          object(object(template, "metadata"), "annotations"),
          StatefulSetPlan.podSpec(set, ordinal))) {
        events.normal(set, COMPONENT, "SuccessfulCreate", "create Pod " + pod
            + " in StatefulSet " + metadata.getString("name", "") + " successful");
      }
    } catch (RuntimeException e) {
      events.warning(set, COMPONENT, "FailedCreate", "create Pod " + pod + " in StatefulSet "
          + metadata.getString("name", "") + " failed error: " + e.getMessage());
      LOG.warning(() -> "Creating pod " + namespace + "/" + pod + " failed: " + e);
    }
  }

  private void delete(JsonObject set, JsonObject pod) {
    String name = object(pod, "metadata").getString("name", "");
    if (OwnedPods.delete(store, pod)) {
      events.normal(set, COMPONENT, "SuccessfulDelete", "delete Pod " + name
          + " in StatefulSet " + object(set, "metadata").getString("name", "") + " successful");
    }
  }

  private void updateStatus(JsonObject set, JsonObject status, String[] key) {
    if (status.equals(object(set, "status"))) {
      return;
    }
    try {
      store.update(ResourceTypes.STATEFUL_SET.key(key[0], key[1]), "apps/v1", Preconditions.NONE,
          latest -> Json.createObjectBuilder(latest).add("status", status).build());
    } catch (NotFoundException | ConflictException e) {
      // deleted meanwhile
    }
  }
}
