package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.admission.StorageAdmission;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import dev.capstan.store.entity.ObjectKey;
import dev.capstan.store.entity.StoredObject;
import dev.capstan.watch.Change;
import jakarta.json.JsonObject;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Kubernetes' pvc-protection and pv-protection controllers: a claim being deleted keeps its
 * {@code kubernetes.io/pvc-protection} finalizer while a pod that is not finished (phase neither
 * Succeeded nor Failed) names it in its volumes, and a volume being deleted keeps
 * {@code kubernetes.io/pv-protection} while it is Bound. The finalizer goes as soon as that is no
 * longer so (a pod's end or deletion is a change that names its claims), and the store then
 * removes the object.
 */
final class StorageProtectionController implements Controller {


  private final ObjectStore store;

  StorageProtectionController(ObjectStore store) {
    this.store = store;
  }

  @Override
  public String name() {
    return "storage protection controller";
  }

  @Override
  public Set<String> keysFor(Change change) {
    Set<String> keys = new HashSet<>();
    if (ControllerKeys.isOf(change, ResourceTypes.PERSISTENT_VOLUME_CLAIM)
        && ObjectMetadata.isDeleting(change.object())) {
      keys.add(StorageKeys.claim(change.key().namespace(), change.key().name()));
    } else if (ControllerKeys.isOf(change, ResourceTypes.PERSISTENT_VOLUME)
        && ObjectMetadata.isDeleting(change.object())) {
      keys.add(StorageKeys.volume(change.key().name()));
    } else if (ControllerKeys.isOf(change, ResourceTypes.POD)
        && (change.type().name().equals("DELETED") || finished(change.object()))) {
      claimsOf(change.object()).forEach(claim ->
          keys.add(StorageKeys.claim(change.key().namespace(), claim)));
    }
    return keys;
  }

  @Override
  public Collection<String> allKeys() {
    return StorageKeys.all(store);
  }

  @Override
  public void reconcile(String key) {
    StorageKeys.claimOf(key).ifPresent(claimKey -> {
      Optional<JsonObject> claim = store.get(claimKey).map(StoredObject::json)
          .filter(ObjectMetadata::isDeleting)
          .filter(c -> ObjectMetadata.finalizers(c).contains(StorageAdmission.PVC_PROTECTION));
      if (claim.isPresent() && !inUse(claimKey.namespace(), claimKey.name())) {
        release(claimKey, StorageAdmission.PVC_PROTECTION);
      }
    });
    StorageKeys.volumeOf(key).ifPresent(volumeKey -> store.get(volumeKey)
        .map(StoredObject::json)
        .filter(ObjectMetadata::isDeleting)
        .filter(v -> ObjectMetadata.finalizers(v).contains(StorageAdmission.PV_PROTECTION))
        .filter(v -> !"Bound".equals(object(v, "status").getString("phase", "")))
        .ifPresent(v -> release(volumeKey, StorageAdmission.PV_PROTECTION)));
  }

  /** Whether a pod that has not finished names the claim. */
  private boolean inUse(String namespace, String claim) {
    return store.list(ResourceTypes.POD.all(Optional.of(namespace), "")).bodies().stream()
        .filter(pod -> !finished(pod))
        .anyMatch(pod -> claimsOf(pod).contains(claim));
  }

  private void release(ObjectKey key, String finalizer) {
    try {
      store.update(key, "v1", Preconditions.NONE,
          current -> GarbageCollection.withoutFinalizer(current, finalizer));
    } catch (NotFoundException | ConflictException e) {
      // gone already
    }
  }

  static Set<String> claimsOf(JsonObject pod) {
    Set<String> claims = new HashSet<>();
    for (JsonObject volume : objects(object(pod, "spec"), "volumes")) {
      String claim = object(volume, "persistentVolumeClaim").getString("claimName", "");
      if (!claim.isEmpty()) {
        claims.add(claim);
      }
    }
    return claims;
  }

  private static boolean finished(JsonObject pod) {
    String phase = object(pod, "status").getString("phase", "");
    return phase.equals("Succeeded") || phase.equals("Failed");
  }
}
