package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.recording.EventRecorder;
import dev.capstan.storage.StorageAnnotations;
import dev.capstan.storage.VolumeMatching;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import dev.capstan.store.entity.StoredObject;
import dev.capstan.watch.Change;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Kubernetes' PersistentVolume controller, its binding half: a claim is bound to the volume
 * {@link VolumeMatching} picks (the volume's {@code claimRef}, then the claim's
 * {@code volumeName}, each side's phase Bound, the claim's status given the volume's access
 * modes and capacity); a claim nothing matches stays Pending and says why in an event, as the
 * binder words it; a bound claim whose volume is gone is Lost. A volume whose claim is gone is
 * Released and then reclaimed by its policy: Retain keeps it, Delete deletes it.
 *
 * <p>Keys are {@code claim:<namespace>/<name>} and {@code volume:<name>}. Binding writes the
 * volume first with its resourceVersion as precondition, so two claims racing for one volume
 * cannot both have it: the loser's sync ends in a {@link SyncConflict} and picks again.
 */
final class PersistentVolumeController implements Controller {

  private static final String BOUND_BY_CONTROLLER = StorageAnnotations.BOUND_BY_CONTROLLER;
  private static final String BIND_COMPLETED = StorageAnnotations.BIND_COMPLETED;
  private static final String SELECTED_NODE = StorageAnnotations.SELECTED_NODE;
  private static final String COMPONENT = "persistentvolume-controller";

  private final ObjectStore store;
  private final EventRecorder events;

  PersistentVolumeController(ObjectStore store, EventRecorder events) {
    this.store = store;
    this.events = events;
  }

  @Override
  public String name() {
    return "persistentvolume controller";
  }

  @Override
  public Set<String> keysFor(Change change) {
    Set<String> keys = new HashSet<>();
    JsonObject spec = object(change.object(), "spec");
    if (ControllerKeys.isOf(change, ResourceTypes.PERSISTENT_VOLUME_CLAIM)) {
      keys.add(StorageKeys.claim(change.key().namespace(), change.key().name()));
      if (!spec.getString("volumeName", "").isEmpty()) {
        keys.add(StorageKeys.volume(spec.getString("volumeName")));
      }
    } else if (ControllerKeys.isOf(change, ResourceTypes.PERSISTENT_VOLUME)) {
      keys.add(StorageKeys.volume(change.key().name()));
      JsonObject ref = object(spec, "claimRef");
      if (!ref.getString("name", "").isEmpty()) {
        keys.add(StorageKeys.claim(ref.getString("namespace", ""), ref.getString("name")));
      }
    }
    return keys;
  }

  @Override
  public Collection<String> allKeys() {
    return StorageKeys.all(store);
  }

  @Override
  public void reconcile(String key) {
    StorageKeys.claimOf(key).flatMap(store::get).map(StoredObject::json)
        .filter(claim -> !ObjectMetadata.isDeleting(claim))
        .ifPresent(this::syncClaim);
    // a volume being deleted is still released when its claim goes: its protection
    // finalizer waits for that
    StorageKeys.volumeOf(key).flatMap(store::get).map(StoredObject::json)
        .ifPresent(this::syncVolume);
  }

  private void syncClaim(JsonObject claim) {
    String volumeName = object(claim, "spec").getString("volumeName", "");
    if (volumeName.isEmpty()) {
      List<JsonObject> volumes = store.list(ResourceTypes.PERSISTENT_VOLUME.all(Optional.empty(),
          "")).bodies();
      if (waitsForFirstConsumer(claim)) {
        // the scheduler picks the volume with the pod's node (it pre-binds one, or the
        // provisioner makes one pre-bound): only a volume pre-bound to the claim binds now
        volumes = volumes.stream().filter(volume -> isRefTo(object(object(volume, "spec"),
            "claimRef"), claim)).toList();
      }
      Optional<JsonObject> match = VolumeMatching.bestFor(claim, volumes);
      if (match.isPresent()) {
        bind(claim, match.get());
      } else {
        explainPending(claim);
      }
      return;
    }
    Optional<JsonObject> volume = store.get(ResourceTypes.PERSISTENT_VOLUME.key("", volumeName))
        .map(StoredObject::json);
    String uid = object(claim, "metadata").getString("uid", "");
    if (volume.isEmpty()) {
      if (claimStatus(claim, "Lost", null)) {
        events.warning(claim, COMPONENT, "ClaimLost",
            "Bound claim has lost its PersistentVolume. Data on the volume is lost!");
      }
      return;
    }
    JsonObject ref = object(object(volume.get(), "spec"), "claimRef");
    if (ref.isEmpty() || isRefTo(ref, claim)) {
      // the claim names the volume: the volume side may not have been written yet (or was
      // pre-bound by the user to this claim without its uid)
      if (ref.isEmpty() || ref.getString("uid", "").isEmpty()) {
        bind(claim, volume.get());
      } else {
        claimStatus(claim, "Bound", volume.get());
      }
    } else if (claimStatus(claim, "Lost", null)) {
      events.warning(claim, COMPONENT, "ClaimMisbound",
          "Two claims are bound to the same volume, this one is bound incorrectly");
    }
  }

  private boolean waitsForFirstConsumer(JsonObject claim) {
    String className = VolumeMatching.classOf(claim);
    return !className.isEmpty() && store.get(ResourceTypes.STORAGE_CLASS.key("", className))
        .map(StoredObject::json)
        .map(c -> "WaitForFirstConsumer".equals(c.getString("volumeBindingMode", "")))
        .orElse(false);
  }

  /** Why a claim stays Pending, in the binder's words (an event, counted when repeated). */
  private void explainPending(JsonObject claim) {
    claimStatus(claim, "Pending", null);
    String className = VolumeMatching.classOf(claim);
    if (className.isEmpty()) {
      events.normal(claim, COMPONENT, "FailedBinding",
          "no persistent volumes available for this claim and no storage class is set");
      return;
    }
    Optional<JsonObject> storageClass = store.get(ResourceTypes.STORAGE_CLASS.key("", className))
        .map(StoredObject::json);
    if (storageClass.isEmpty()) {
      events.warning(claim, COMPONENT, "ProvisioningFailed",
          "storageclass.storage.k8s.io \"" + className + "\" not found");
    } else if ("WaitForFirstConsumer".equals(storageClass.get().getString("volumeBindingMode",
        "")) && !object(object(claim, "metadata"), "annotations").containsKey(SELECTED_NODE)) {
      events.normal(claim, COMPONENT, "WaitForFirstConsumer",
          "waiting for first consumer to be created before binding");
    } else {
      String provisioner = storageClass.get().getString("provisioner", "");
      events.normal(claim, COMPONENT, "ExternalProvisioning", "Waiting for a volume to be"
          + " created either by the external provisioner '" + provisioner + "' or manually by"
          + " the system administrator. If volume creation is delayed, please verify that the"
          + " provisioner is running and correctly registered.");
    }
  }

  /** Binds both sides: the volume first (with its resourceVersion), then the claim. */
  private void bind(JsonObject claim, JsonObject volume) {
    JsonObject claimMeta = object(claim, "metadata");
    JsonObject volumeMeta = object(volume, "metadata");
    String volumeName = volumeMeta.getString("name", "");
    boolean byController = object(object(volume, "spec"), "claimRef").isEmpty();
    // the claim's own annotation says the controller picked the volume (not the claim's author)
    boolean pickedByController = object(claim, "spec").getString("volumeName", "").isEmpty();
    JsonObject bound;
    try {
      bound = store.update(ResourceTypes.PERSISTENT_VOLUME.key("", volumeName), "v1",
          new Preconditions(Optional.of(volumeMeta.getString("uid", "")),
              ObjectMetadata.resourceVersion(volume)),
          current -> {
            JsonObject metadata = object(current, "metadata");
            JsonObjectBuilder annotations = Json.createObjectBuilder(object(metadata,
                "annotations"));
            if (byController) {
              annotations.add(BOUND_BY_CONTROLLER, "yes");
            }
            return Json.createObjectBuilder(current)
                .add("metadata", Json.createObjectBuilder(metadata).add("annotations",
                    annotations))
                .add("spec", Json.createObjectBuilder(object(current, "spec")).add("claimRef",
                    Json.createObjectBuilder()
                        .add("kind", "PersistentVolumeClaim")
                        .add("namespace", claimMeta.getString("namespace", ""))
                        .add("name", claimMeta.getString("name", ""))
                        .add("uid", claimMeta.getString("uid", ""))
                        .add("apiVersion", "v1")
                        .add("resourceVersion", claimMeta.getString("resourceVersion", ""))))
                .add("status", Json.createObjectBuilder(object(current, "status"))
                    .add("phase", "Bound"))
                .build();
          }).json();
    } catch (ConflictException e) {
      throw new SyncConflict(e);
    } catch (NotFoundException e) {
      return;
    }
    try {
      store.update(ResourceTypes.PERSISTENT_VOLUME_CLAIM.key(claimMeta.getString("namespace", ""),
              claimMeta.getString("name", "")), "v1",
          new Preconditions(Optional.of(claimMeta.getString("uid", "")), Optional.empty()),
          current -> {
            JsonObject metadata = object(current, "metadata");
            JsonObjectBuilder annotations = Json.createObjectBuilder(object(metadata,
                "annotations")).add(BIND_COMPLETED, "yes");
            if (pickedByController) {
              annotations.add(BOUND_BY_CONTROLLER, "yes");
            }
            return Json.createObjectBuilder(current)
                .add("metadata", Json.createObjectBuilder(metadata).add("annotations",
                    annotations))
                .add("spec", Json.createObjectBuilder(object(current, "spec"))
                    .add("volumeName", volumeName))
                .add("status", boundStatus(object(current, "status"), bound))
                .build();
          });
    } catch (NotFoundException | ConflictException e) {
      // the claim went meanwhile: its volume is released by the volume's own sync
    }
  }

  private void syncVolume(JsonObject volume) {
    JsonObject spec = object(volume, "spec");
    JsonObject ref = object(spec, "claimRef");
    String name = object(volume, "metadata").getString("name", "");
    if (ref.isEmpty()) {
      volumePhase(name, "Available");
      return;
    }
    Optional<JsonObject> claim = store.get(ResourceTypes.PERSISTENT_VOLUME_CLAIM.key(
        ref.getString("namespace", ""), ref.getString("name", ""))).map(StoredObject::json);
    if (claim.isPresent() && isRefTo(ref, claim.get())) {
      String claimVolume = object(claim.get(), "spec").getString("volumeName", "");
      if (claimVolume.equals(name)) {
        volumePhase(name, "Bound");
      } else if (claimVolume.isEmpty()) {
        // pre-bound to the claim, which binds on its own sync
        volumePhase(name, ref.getString("uid", "").isEmpty() ? "Available" : "Bound");
      } else if (object(object(volume, "metadata"), "annotations")
          .containsKey(BOUND_BY_CONTROLLER)) {
        // the claim took another volume: this one is free again
        unbind(name);
      }
      return;
    }
    if (ref.getString("uid", "").isEmpty()) {
      // pre-bound by the user to a claim that does not exist yet
      volumePhase(name, "Available");
      return;
    }
    // its claim is gone: released, then reclaimed
    volumePhase(name, "Released");
    String policy = spec.getString("persistentVolumeReclaimPolicy", "Retain");
    if (policy.equals("Delete") && !ObjectMetadata.isDeleting(volume)) {
      try {
        store.delete(ResourceTypes.PERSISTENT_VOLUME.key("", name), "v1", Preconditions.NONE);
      } catch (NotFoundException | ConflictException e) {
        // gone already
      }
    } else if (policy.equals("Recycle")) {
      events.warning(volume, COMPONENT, "VolumeFailedRecycle",
          "Recycle is deprecated and not supported: the volume is kept as Released");
    }
  }

  private void unbind(String name) {
    try {
      store.update(ResourceTypes.PERSISTENT_VOLUME.key("", name), "v1", Preconditions.NONE,
          current -> Json.createObjectBuilder(current)
              .add("metadata", Json.createObjectBuilder(object(current, "metadata"))
                  .add("annotations", Json.createObjectBuilder(object(object(current,
                      "metadata"), "annotations")).remove(BOUND_BY_CONTROLLER)))
              .add("spec", Json.createObjectBuilder(object(current, "spec")).remove("claimRef"))
              .add("status", Json.createObjectBuilder(object(current, "status"))
                  .add("phase", "Available"))
              .build());
    } catch (NotFoundException | ConflictException e) {
      // changed meanwhile: the next sync looks again
    }
  }

  private void volumePhase(String name, String phase) {
    try {
      store.update(ResourceTypes.PERSISTENT_VOLUME.key("", name), "v1", Preconditions.NONE,
          current -> phase.equals(object(current, "status").getString("phase", "")) ? current
              : Json.createObjectBuilder(current).add("status", Json.createObjectBuilder(
                  object(current, "status")).add("phase", phase)).build());
    } catch (NotFoundException | ConflictException e) {
      // gone meanwhile
    }
  }

  /** Writes the claim's phase (and a bound volume's modes and capacity); whether it changed. */
  private boolean claimStatus(JsonObject claim, String phase, JsonObject volume) {
    JsonObject status = object(claim, "status");
    JsonObject wanted = volume == null
        ? Json.createObjectBuilder(status).add("phase", phase).build()
        : boundStatus(status, volume);
    if (wanted.equals(status)) {
      return false;
    }
    JsonObject metadata = object(claim, "metadata");
    try {
      store.update(ResourceTypes.PERSISTENT_VOLUME_CLAIM.key(metadata.getString("namespace", ""),
              metadata.getString("name", "")), "v1",
          new Preconditions(Optional.of(metadata.getString("uid", "")), Optional.empty()),
          current -> Json.createObjectBuilder(current).add("status", wanted).build());
      return true;
    } catch (NotFoundException | ConflictException e) {
      return false;
    }
  }

  private static JsonObject boundStatus(JsonObject status, JsonObject volume) {
    JsonObject spec = object(volume, "spec");
    JsonObjectBuilder result = Json.createObjectBuilder(status).add("phase", "Bound");
    if (spec.containsKey("accessModes")) {
      result.add("accessModes", spec.get("accessModes"));
    }
    if (spec.containsKey("capacity")) {
      result.add("capacity", spec.get("capacity"));
    }
    return result.build();
  }

  private static boolean isRefTo(JsonObject ref, JsonObject claim) {
    JsonObject metadata = object(claim, "metadata");
    return ref.getString("namespace", "").equals(metadata.getString("namespace", ""))
        && ref.getString("name", "").equals(metadata.getString("name", ""))
        && (ref.getString("uid", "").isEmpty()
            || ref.getString("uid", "").equals(metadata.getString("uid", "")));
  }
}
