package dev.capstan.scheduler;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.storage.StorageAnnotations;
import dev.capstan.storage.VolumeMatching;
import dev.capstan.store.ObjectMetadata;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * kube-scheduler's VolumeBinding plugin for a pod's PersistentVolumeClaims. Before any node is
 * looked at: a claim that does not exist or is being deleted, or one still unbound whose class
 * binds at once (Immediate, or no class), keeps the pod Pending with kube-scheduler's words. Per
 * node: a bound claim's volume must accept the node ({@code nodeAffinity}, "volume node affinity
 * conflict"), and a claim waiting for its first consumer (WaitForFirstConsumer) needs there a
 * volume it could bind to or a class that provisions one ("didn't find available persistent
 * volumes to bind"). Once a node is chosen, {@link #toBind} says how each waiting claim is to
 * be bound there: to a volume now ({@code claimRef} written for the binder to complete), or by
 * its provisioner (the claim annotated with the selected node).
 */
final class VolumeBinding {

  static final String SELECTED_NODE = StorageAnnotations.SELECTED_NODE;
  static final String NO_PROVISIONER = "kubernetes.io/no-provisioner";

  /** What the pod's claims ask of a node; {@code refusal} when no node will do for now. */
  record Claims(Optional<String> refusal, List<JsonObject> boundVolumes,
      List<JsonObject> waiting, List<JsonObject> waitingClasses) {

    static final Claims NONE = new Claims(Optional.empty(), List.of(), List.of(), List.of());

    boolean any() {
      return !boundVolumes.isEmpty() || !waiting.isEmpty();
    }
  }

  /** A waiting claim's binding on the chosen node: to a volume, or by provisioning. */
  record Binding(JsonObject claim, Optional<JsonObject> volume) {}

  private VolumeBinding() {}

  /**
   * The pod's claims, read through the functions given (a claim by name in the pod's
   * namespace, a volume and a class by name).
   */
  static Claims of(JsonObject pod, Function<String, Optional<JsonObject>> claims,
      Function<String, Optional<JsonObject>> volumes,
      Function<String, Optional<JsonObject>> classes) {
    List<String> names = objects(object(pod, "spec"), "volumes").stream()
        .map(volume -> object(volume, "persistentVolumeClaim").getString("claimName", ""))
        .filter(name -> !name.isEmpty()).distinct().toList();
    if (names.isEmpty()) {
      return Claims.NONE;
    }
    List<JsonObject> bound = new ArrayList<>();
    List<JsonObject> waiting = new ArrayList<>();
    List<JsonObject> waitingClasses = new ArrayList<>();
    for (String name : names) {
      Optional<JsonObject> claim = claims.apply(name);
      if (claim.isEmpty()) {
        return refused("persistentvolumeclaim \"" + name + "\" not found");
      }
      if (ObjectMetadata.isDeleting(claim.get())) {
        return refused("persistentvolumeclaim \"" + name + "\" is being deleted");
      }
      String volumeName = object(claim.get(), "spec").getString("volumeName", "");
      if (!volumeName.isEmpty()) {
        Optional<JsonObject> volume = volumes.apply(volumeName);
        if (volume.isEmpty()) {
          return refused("persistentvolume \"" + volumeName + "\" not found");
        }
        bound.add(volume.get());
        continue;
      }
      Optional<JsonObject> storageClass = classes.apply(VolumeMatching.classOf(claim.get()));
      if (storageClass.isEmpty() || !"WaitForFirstConsumer".equals(
          storageClass.get().getString("volumeBindingMode", ""))) {
        return refused("pod has unbound immediate PersistentVolumeClaims");
      }
      waiting.add(claim.get());
      waitingClasses.add(storageClass.get());
    }
    return new Claims(Optional.empty(), bound, waiting, waitingClasses);
  }

  /** Why the node cannot have the pod's volumes; empty when it can. */
  static Optional<String> filter(Claims claims, JsonObject node, List<JsonObject> volumes) {
    for (JsonObject volume : claims.boundVolumes()) {
      if (!accepts(volume, node)) {
        return Optional.of("node(s) had volume node affinity conflict");
      }
    }
    String nodeName = object(node, "metadata").getString("name", "");
    for (int i = 0; i < claims.waiting().size(); i++) {
      JsonObject claim = claims.waiting().get(i);
      String selected = object(object(claim, "metadata"), "annotations")
          .getString(SELECTED_NODE, "");
      if (!selected.isEmpty() && !selected.equals(nodeName)) {
        // its volume is being made for another node: the pod goes there
        return Optional.of("node(s) didn't find available persistent volumes to bind");
      }
      boolean provisions = !NO_PROVISIONER.equals(claims.waitingClasses().get(i)
          .getString("provisioner", NO_PROVISIONER));
      if (!provisions && staticVolume(claim, node, volumes).isEmpty()) {
        return Optional.of("node(s) didn't find available persistent volumes to bind");
      }
    }
    return Optional.empty();
  }

  /** How each waiting claim is to be bound on the chosen node. */
  static List<Binding> toBind(Claims claims, JsonObject node, List<JsonObject> volumes) {
    List<Binding> bindings = new ArrayList<>();
    for (JsonObject claim : claims.waiting()) {
      bindings.add(new Binding(claim, staticVolume(claim, node, volumes)));
    }
    return bindings;
  }

  private static Optional<JsonObject> staticVolume(JsonObject claim, JsonObject node,
      List<JsonObject> volumes) {
    return VolumeMatching.bestFor(claim, volumes.stream().filter(v -> accepts(v, node))
        .toList());
  }

  private static boolean accepts(JsonObject volume, JsonObject node) {
    List<JsonObject> terms = objects(object(object(object(volume, "spec"), "nodeAffinity"),
        "required"), "nodeSelectorTerms");
    return NodeMatching.acceptsTerms(terms, node);
  }

  private static Claims refused(String reason) {
    return new Claims(Optional.of(reason), List.of(), List.of(), List.of());
  }
}
