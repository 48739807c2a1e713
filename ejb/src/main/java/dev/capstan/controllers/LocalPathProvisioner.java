package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.recording.EventRecorder;
import dev.capstan.storage.StorageAnnotations;
import dev.capstan.storage.VolumeMatching;
import dev.capstan.store.AlreadyExistsException;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import dev.capstan.store.entity.StoredObject;
import dev.capstan.watch.Change;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Capstan's built-in dynamic provisioner, {@code capstan.dev/local-path} (k3s ships the same idea
 * as {@code rancher.io/local-path}): a claim of a class it provisions gets, once the scheduler has
 * picked its pod's node ({@code volume.kubernetes.io/selected-node}), a PersistentVolume
 * {@code pvc-<claim uid>} that is a directory under the node's own storage root (the node agent
 * says where in its {@code capstan.dev/local-path-root} annotation), pinned to that node by node
 * affinity and pre-bound to the claim for the binder. With reclaim policy Delete the volume
 * carries a finalizer until the directory is gone: a helper pod on the node removes it (the
 * image is {@code capstan.localPath.helperImage}, by default the cluster's local busybox), so
 * no node needs more than the pods it already runs.
 */
final class LocalPathProvisioner implements Controller {

  static final String PROVISIONER = "capstan.dev/local-path";
  static final String ROOT_ANNOTATION = "capstan.dev/local-path-root";
  static final String CLEANUP_FINALIZER = "capstan.dev/local-path-cleanup";
  static final String HELPER_LABEL = "capstan.dev/local-path-volume";
  static final String HELPER_NAMESPACE = "kube-system";

  private final ObjectStore store;
  private final EventRecorder events;
  private final String helperImage;

  LocalPathProvisioner(ObjectStore store, EventRecorder events) {
    this.store = store;
    this.events = events;
    this.helperImage = System.getProperty("capstan.localPath.helperImage", "capstan/busybox:1");
  }

  @Override
  public String name() {
    return "local-path provisioner";
  }

  @Override
  public Set<String> keysFor(Change change) {
    Set<String> keys = new HashSet<>();
    if (ControllerKeys.isOf(change, ResourceTypes.PERSISTENT_VOLUME_CLAIM)) {
      keys.add(StorageKeys.claim(change.key().namespace(), change.key().name()));
    } else if (ControllerKeys.isOf(change, ResourceTypes.PERSISTENT_VOLUME)
        && ObjectMetadata.finalizers(change.object()).contains(CLEANUP_FINALIZER)) {
      keys.add(StorageKeys.volume(change.key().name()));
    } else if (ControllerKeys.isOf(change, ResourceTypes.POD)
        && HELPER_NAMESPACE.equals(change.key().namespace())
        && object(object(change.object(), "metadata"), "labels").get(HELPER_LABEL)
            instanceof JsonString volume) {
      keys.add(StorageKeys.volume(volume.getString()));
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
        .filter(claim -> object(claim, "spec").getString("volumeName", "").isEmpty())
        .ifPresent(this::provision);
    StorageKeys.volumeOf(key).flatMap(store::get).map(StoredObject::json)
        .filter(ObjectMetadata::isDeleting)
        .filter(volume -> ObjectMetadata.finalizers(volume).contains(CLEANUP_FINALIZER))
        .ifPresent(this::cleanUp);
  }

  private void provision(JsonObject claim) {
    Optional<JsonObject> storageClass = store.get(ResourceTypes.STORAGE_CLASS.key("",
        VolumeMatching.classOf(claim))).map(StoredObject::json)
        .filter(c -> PROVISIONER.equals(c.getString("provisioner", "")));
    if (storageClass.isEmpty()) {
      return;
    }
    JsonObject metadata = object(claim, "metadata");
    String volumeName = "pvc-" + metadata.getString("uid", "");
    if (store.get(ResourceTypes.PERSISTENT_VOLUME.key("", volumeName)).isPresent()) {
      return; // made already: the binder binds it
    }
    String node = object(metadata, "annotations")
        .getString(StorageAnnotations.SELECTED_NODE, "");
    if (node.isEmpty()) {
      if (!"WaitForFirstConsumer".equals(storageClass.get().getString("volumeBindingMode", ""))) {
        events.warning(claim, PROVISIONER, "ProvisioningFailed",
            "configuration error, no node was specified");
      }
      return;
    }
    Optional<String> root = store.get(ResourceTypes.NODE.key("", node)).map(StoredObject::json)
        .map(n -> object(object(n, "metadata"), "annotations").getString(ROOT_ANNOTATION, ""))
        .filter(r -> !r.isEmpty());
    String claimName = metadata.getString("namespace", "") + "/" + metadata.getString("name", "");
    if (root.isEmpty()) {
      events.warning(claim, PROVISIONER, "ProvisioningFailed", "failed to provision volume"
          + " with StorageClass \"" + object(storageClass.get(), "metadata").getString("name", "")
          + "\": node \"" + node + "\" has no " + ROOT_ANNOTATION + " annotation (its agent"
          + " says where local volumes go)");
      return;
    }
    events.normal(claim, PROVISIONER, "Provisioning",
        "External provisioner is provisioning volume for claim \"" + claimName + "\"");
    JsonObject volume = volume(claim, storageClass.get(), volumeName, node,
        Path.of(root.get()).resolve(volumeName + "_" + metadata.getString("namespace", "") + "_"
            + metadata.getString("name", "")).toString());
    try {
      store.create(ResourceTypes.PERSISTENT_VOLUME.key("", volumeName), "v1", volume);
      events.normal(claim, PROVISIONER, "ProvisioningSucceeded",
          "Successfully provisioned volume " + volumeName);
    } catch (AlreadyExistsException e) {
      // made meanwhile by another sync
    }
  }

  /** The PersistentVolume for a claim: its directory on the node, pre-bound to the claim. */
  static JsonObject volume(JsonObject claim, JsonObject storageClass, String name, String node,
      String path) {
    JsonObject metadata = object(claim, "metadata");
    JsonObject spec = object(claim, "spec");
    String policy = storageClass.getString("reclaimPolicy", "Delete");
    JsonObjectBuilder volumeMetadata = Json.createObjectBuilder()
        .add("name", name)
        .add("annotations", Json.createObjectBuilder().add(StorageAnnotations.PROVISIONED_BY, PROVISIONER));
    if (policy.equals("Delete")) {
      volumeMetadata.add("finalizers", Json.createArrayBuilder().add(CLEANUP_FINALIZER));
    }
    JsonObject request = object(object(spec, "resources"), "requests");
    return Json.createObjectBuilder()
        .add("apiVersion", "v1")
        .add("kind", "PersistentVolume")
        .add("metadata", volumeMetadata)
        .add("spec", Json.createObjectBuilder()
            .add("capacity", Json.createObjectBuilder().add("storage", request.get("storage")))
            .add("accessModes", spec.get("accessModes"))
            .add("persistentVolumeReclaimPolicy", policy)
            .add("storageClassName", object(storageClass, "metadata").getString("name", ""))
            .add("volumeMode", spec.getString("volumeMode", "Filesystem"))
            .add("hostPath", Json.createObjectBuilder().add("path", path)
                .add("type", "DirectoryOrCreate"))
            .add("nodeAffinity", Json.createObjectBuilder().add("required",
                Json.createObjectBuilder().add("nodeSelectorTerms", Json.createArrayBuilder()
                    .add(Json.createObjectBuilder().add("matchExpressions",
                        Json.createArrayBuilder().add(Json.createObjectBuilder()
                            .add("key", "kubernetes.io/hostname").add("operator", "In")
                            .add("values", Json.createArrayBuilder().add(node))))))))
            .add("claimRef", Json.createObjectBuilder()
                .add("kind", "PersistentVolumeClaim")
                .add("namespace", metadata.getString("namespace", ""))
                .add("name", metadata.getString("name", ""))
                .add("uid", metadata.getString("uid", ""))
                .add("apiVersion", "v1")))
        .add("status", Json.createObjectBuilder().add("phase", "Pending"))
        .build();
  }

  /**
   * Removes a deleted volume's directory with a helper pod on its node, then the finalizer.
   */
  private void cleanUp(JsonObject volume) {
    String name = object(volume, "metadata").getString("name", "");
    String helper = "local-path-cleanup-" + name;
    Optional<JsonObject> pod = store.get(ResourceTypes.POD.key(HELPER_NAMESPACE, helper))
        .map(StoredObject::json);
    if (pod.isEmpty()) {
      JsonObject spec = object(volume, "spec");
      String path = object(spec, "hostPath").getString("path", "");
      String node = nodeOf(volume);
      if (path.isEmpty() || node.isEmpty()) {
        release(name); // nothing this provisioner can find to remove
        return;
      }
      try {
        store.create(ResourceTypes.POD.key(HELPER_NAMESPACE, helper), "v1",
            helperPod(helper, name, node, Path.of(path), helperImage));
      } catch (AlreadyExistsException e) {
        // made meanwhile
      }
      return;
    }
    String phase = object(pod.get(), "status").getString("phase", "");
    if (phase.equals("Succeeded")) {
      release(name);
      deleteHelper(helper);
    } else if (phase.equals("Failed")) {
      events.warning(volume, PROVISIONER, "VolumeFailedDelete", "the helper pod " + helper
          + " could not remove the volume's directory; trying again");
      deleteHelper(helper);
    }
  }

  /** A pod on the volume's node that removes its directory (mounting the directory's parent). */
  static JsonObject helperPod(String name, String volume, String node, Path path, String image) {
    return Json.createObjectBuilder()
        .add("apiVersion", "v1")
        .add("kind", "Pod")
        .add("metadata", Json.createObjectBuilder()
            .add("name", name).add("namespace", HELPER_NAMESPACE)
            .add("labels", Json.createObjectBuilder().add(HELPER_LABEL, volume)))
        .add("spec", Json.createObjectBuilder()
            .add("nodeName", node)
            .add("restartPolicy", "Never")
            .add("terminationGracePeriodSeconds", 0)
            .add("tolerations", Json.createArrayBuilder().add(Json.createObjectBuilder()
                .add("operator", "Exists")))
            .add("containers", Json.createArrayBuilder().add(Json.createObjectBuilder()
                .add("name", "cleanup")
                .add("image", image)
                .add("imagePullPolicy", "IfNotPresent")
                .add("command", Json.createArrayBuilder().add("rm").add("-rf")
                    .add("/parent/" + path.getFileName()))
                .add("volumeMounts", Json.createArrayBuilder().add(Json.createObjectBuilder()
                    .add("name", "parent").add("mountPath", "/parent")))))
            .add("volumes", Json.createArrayBuilder().add(Json.createObjectBuilder()
                .add("name", "parent")
                .add("hostPath", Json.createObjectBuilder()
                    .add("path", path.getParent().toString())
                    .add("type", "DirectoryOrCreate")))))
        .build();
  }

  private static String nodeOf(JsonObject volume) {
    return dev.capstan.json.JsonFields.objects(object(object(object(volume, "spec"),
            "nodeAffinity"), "required"), "nodeSelectorTerms").stream()
        .flatMap(term -> dev.capstan.json.JsonFields.objects(term, "matchExpressions").stream())
        .filter(e -> "kubernetes.io/hostname".equals(e.getString("key", "")))
        .map(e -> e.getJsonArray("values"))
        .filter(values -> values != null && !values.isEmpty())
        .map(values -> values.getString(0, ""))
        .findFirst().orElse("");
  }

  private void release(String volume) {
    try {
      store.update(ResourceTypes.PERSISTENT_VOLUME.key("", volume), "v1", Preconditions.NONE,
          current -> GarbageCollection.withoutFinalizer(current, CLEANUP_FINALIZER));
    } catch (NotFoundException | ConflictException e) {
      // gone already
    }
  }

  private void deleteHelper(String helper) {
    try {
      store.delete(ResourceTypes.POD.key(HELPER_NAMESPACE, helper), "v1", Preconditions.NONE);
    } catch (NotFoundException | ConflictException e) {
      // gone already
    }
  }
}
