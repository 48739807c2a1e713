package dev.capstan.patch;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How strategic merge treats each list, by the shape of its path (field names from the root,
 * {@code []} for list elements), so pods and every pod template inside an RC, ReplicaSet,
 * Deployment, DaemonSet or Job share one table. Kubernetes reads these from its Go struct tags
 * ({@code patchMergeKey}, {@code patchStrategy}); lists not listed here are replaced whole.
 */
final class MergeKeys {

  /** Lists of objects merged by a key field: path suffix → key. Longest suffix wins. */
  private static final Map<String, String> KEYED = Map.ofEntries(
      Map.entry("containers", "name"),
      Map.entry("initContainers", "name"),
      Map.entry("ephemeralContainers", "name"),
      Map.entry("volumes", "name"),
      Map.entry("containers[].ports", "containerPort"),
      Map.entry("initContainers[].ports", "containerPort"),
      Map.entry("containers[].env", "name"),
      Map.entry("initContainers[].env", "name"),
      Map.entry("containers[].volumeMounts", "mountPath"),
      Map.entry("initContainers[].volumeMounts", "mountPath"),
      Map.entry("containers[].volumeDevices", "devicePath"),
      Map.entry("imagePullSecrets", "name"),
      Map.entry("hostAliases", "ip"),
      Map.entry("topologySpreadConstraints", "topologyKey"),
      Map.entry("metadata.ownerReferences", "uid"),
      Map.entry("status.conditions", "type"),
      Map.entry("status.addresses", "type"),
      Map.entry("subsets[].addresses", "ip"));

  /** Service ports merge by port number, but only a service's ({@code spec.ports} at the root). */
  private static final String SERVICE_PORTS = "spec.ports";

  /** Lists of primitives merged as sets. */
  private static final List<String> SETS = List.of("metadata.finalizers");

  private MergeKeys() {}

  /** The merge key of the list at this path, if it is merged by key. */
  static Optional<String> keyOf(String path) {
    if (path.equals(SERVICE_PORTS)) {
      return Optional.of("port");
    }
    String best = null;
    for (String suffix : KEYED.keySet()) {
      if ((path.equals(suffix) || path.endsWith("." + suffix))
          && (best == null || suffix.length() > best.length())) {
        best = suffix;
      }
    }
    return Optional.ofNullable(best).map(KEYED::get);
  }

  /** Whether the list at this path is a list of primitives merged as a set. */
  static boolean isSet(String path) {
    return SETS.contains(path);
  }
}
