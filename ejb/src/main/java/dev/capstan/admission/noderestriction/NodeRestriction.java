package dev.capstan.admission.noderestriction;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.access.NodeIdentity;
import dev.capstan.admission.AdmissionAttributes;
import dev.capstan.admission.AdmissionAttributes.Operation;
import dev.capstan.admission.AdmissionDenied;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Kubernetes' NodeRestriction admission plugin: what a node agent's own credential
 * ({@code system:node:<name>} in {@code system:nodes}) may write, so that one node cannot
 * change another or steer workloads to itself.
 *
 * <ul>
 *   <li>Nodes: only its own Node (create, update, status); it may not change its taints, nor
 *       set labels under {@code node-restriction.kubernetes.io/}, nor other
 *       {@code kubernetes.io}/{@code k8s.io} labels outside the kubelet's own list.
 *   <li>Pods: only mirror pods of its own (created bound to itself, owned by its Node, naming no
 *       ServiceAccount, Secret, ConfigMap or claim), and deletes of pods bound to it; the
 *       {@code status} of pods bound to it (labels unchanged); evictions of pods bound to it; no
 *       other pod subresource.
 *   <li>Leases: only its own, in {@code kube-node-lease}.
 * </ul>
 *
 * <p>Everything else passes this plugin (events in particular); what a node may read and write
 * beyond it is the node authorizer's business. Users that are not nodes pass untouched. Refusals
 * are 403 with Kubernetes' wording, e.g. {@code nodes "b" is forbidden: node "a" is not allowed
 * to modify node "b"}.
 */
public final class NodeRestriction {

  public static final String NAME = "NodeRestriction";
  static final String MIRROR_ANNOTATION = "kubernetes.io/config.mirror";
  static final String NODE_LEASE_NAMESPACE = "kube-node-lease";
  static final String NODE_RESTRICTION_NAMESPACE = "node-restriction.kubernetes.io";

  /** Labels a kubelet may set on its Node (k8s.io/kubelet/apis, {@code IsKubeletLabel}). */
  private static final Set<String> KUBELET_LABELS = Set.of(
      "kubernetes.io/hostname", "topology.kubernetes.io/zone", "topology.kubernetes.io/region",
      "failure-domain.beta.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/region",
      "beta.kubernetes.io/instance-type", "node.kubernetes.io/instance-type",
      "beta.kubernetes.io/os", "beta.kubernetes.io/arch", "kubernetes.io/os", "kubernetes.io/arch");
  private static final Set<String> KUBELET_LABEL_NAMESPACES = Set.of(
      "kubelet.kubernetes.io", "node.kubernetes.io");

  private NodeRestriction() {}

  /** @throws AdmissionDenied when a node may not make this write */
  public static void admit(AdmissionAttributes a) {
    Optional<String> node = NodeIdentity.nodeName(a.user());
    if (node.isEmpty()) {
      return;
    }
    if (!a.group().isEmpty() && !a.group().equals("coordination.k8s.io")) {
      return;
    }
    switch (a.group() + "/" + a.resource()) {
      case "/nodes" -> admitNode(node.get(), a);
      case "/pods" -> {
        switch (a.subresource()) {
          case "" -> admitPod(node.get(), a);
          case "status" -> admitPodStatus(node.get(), a);
          case "eviction" -> admitPodEviction(node.get(), a);
          default -> throw denied(a, "unexpected pod subresource \"" + a.subresource()
              + "\", only 'status' and 'eviction' are allowed");
        }
      }
      case "coordination.k8s.io/leases" -> admitLease(node.get(), a);
      default -> {
        // not a resource this plugin restricts
      }
    }
  }

  private static void admitNode(String node, AdmissionAttributes a) {
    if (!a.name().equals(node)) {
      throw denied(a, "node \"" + node + "\" is not allowed to modify node \"" + a.name()
          + "\"");
    }
    if (a.operation() == Operation.CREATE) {
      JsonObject created = a.object().orElseThrow();
      if (object(created, "spec").containsKey("configSource")) {
        throw denied(a, "node \"" + node + "\" is not allowed to create pods with a non-nil"
            + " configSource");
      }
      Set<String> forbidden = forbiddenLabels(modifiedLabels(labels(created), Map.of()));
      if (!forbidden.isEmpty()) {
        throw denied(a, "node \"" + node + "\" is not allowed to set the following labels: "
            + String.join(", ", forbidden));
      }
    } else if (a.operation() == Operation.UPDATE) {
      JsonObject updated = a.object().orElseThrow();
      JsonObject old = a.oldObject().orElseThrow();
      JsonValue source = object(updated, "spec").get("configSource");
      if (source != null && !source.equals(object(old, "spec").get("configSource"))) {
        throw denied(a, "node \"" + node + "\" is not allowed to update configSource to a new"
            + " non-nil configSource");
      }
      if (!Objects.equals(taints(updated), taints(old))) {
        throw denied(a, "node \"" + node + "\" is not allowed to modify taints");
      }
      Set<String> forbidden = forbiddenLabels(modifiedLabels(labels(updated), labels(old)));
      if (!forbidden.isEmpty()) {
        throw denied(a, "is not allowed to modify labels: " + String.join(", ", forbidden));
      }
    }
  }

  private static void admitPod(String node, AdmissionAttributes a) {
    switch (a.operation()) {
      case CREATE -> admitMirrorPod(node, a, a.object().orElseThrow());
      case DELETE -> {
        if (!nodeNameOf(a.oldObject().orElseThrow()).equals(node)) {
          throw denied(a, "node \"" + node + "\" can only delete pods with spec.nodeName set"
              + " to itself");
        }
      }
      default -> throw denied(a, "unexpected operation \"" + a.operation() + "\", node \""
          + node + "\" can only create and delete mirror pods");
    }
  }

  private static void admitMirrorPod(String node, AdmissionAttributes a, JsonObject pod) {
    if (!object(object(pod, "metadata"), "annotations").containsKey(MIRROR_ANNOTATION)) {
      throw denied(a, "pod does not have \"" + MIRROR_ANNOTATION + "\" annotation, node \""
          + node + "\" can only create mirror pods");
    }
    if (!nodeNameOf(pod).equals(node)) {
      throw denied(a, "node \"" + node + "\" can only create pods with spec.nodeName set to"
          + " itself");
    }
    List<JsonObject> owners = objects(object(pod, "metadata").get("ownerReferences"));
    if (owners.size() > 1) {
      throw denied(a, "node \"" + node + "\" can only create pods with a single owner reference"
          + " set to itself");
    }
    if (owners.isEmpty()) {
      throw denied(a, "node \"" + node + "\" can only create pods with an owner reference set"
          + " to itself");
    }
    JsonObject owner = owners.get(0);
    if (!owner.getString("apiVersion", "").equals("v1")
        || !owner.getString("kind", "").equals("Node")
        || !owner.getString("name", "").equals(node)
        || !owner.getBoolean("controller", false)) {
      throw denied(a, "node \"" + node + "\" can only create pods with a controller owner"
          + " reference set to itself");
    }
    JsonObject spec = object(pod, "spec");
    if (!spec.getString("serviceAccountName", "").isEmpty()) {
      throw denied(a, "node \"" + node + "\" can not create pods that reference a service"
          + " account");
    }
    for (JsonObject volume : objects(spec.get("volumes"))) {
      if (volume.containsKey("secret")) {
        throw denied(a, "node \"" + node + "\" can not create pods that reference secrets");
      }
      if (volume.containsKey("configMap")) {
        throw denied(a, "node \"" + node + "\" can not create pods that reference configmaps");
      }
      if (volume.containsKey("persistentVolumeClaim") || volume.containsKey("ephemeral")) {
        throw denied(a, "node \"" + node + "\" can not create pods that reference"
            + " persistentvolumeclaims");
      }
    }
    for (String list : new String[] {"containers", "initContainers"}) {
      for (JsonObject container : objects(spec.get(list))) {
        if (referencesEnvironmentSource(container, "secret")) {
          throw denied(a, "node \"" + node + "\" can not create pods that reference secrets");
        }
        if (referencesEnvironmentSource(container, "configMap")) {
          throw denied(a, "node \"" + node + "\" can not create pods that reference"
              + " configmaps");
        }
      }
    }
  }

  private static boolean referencesEnvironmentSource(JsonObject container, String kind) {
    for (JsonObject source : objects(container.get("envFrom"))) {
      if (source.containsKey(kind + "Ref")) {
        return true;
      }
    }
    for (JsonObject variable : objects(container.get("env"))) {
      if (object(variable, "valueFrom").containsKey(kind + "KeyRef")) {
        return true;
      }
    }
    return false;
  }

  private static void admitPodStatus(String node, AdmissionAttributes a) {
    if (a.operation() != Operation.UPDATE) {
      throw denied(a, "unexpected operation " + a.operation());
    }
    JsonObject old = a.oldObject().orElseThrow();
    if (!nodeNameOf(old).equals(node)) {
      throw denied(a, "node \"" + node + "\" can only update pod status for pods with"
          + " spec.nodeName set to itself");
    }
    if (!labels(a.object().orElseThrow()).equals(labels(old))) {
      throw denied(a, "node \"" + node + "\" cannot update labels through pod status");
    }
  }

  private static void admitPodEviction(String node, AdmissionAttributes a) {
    if (a.operation() != Operation.CREATE) {
      throw denied(a, "unexpected operation " + a.operation());
    }
    // the pod evicted, as stored: absent means there is nothing to protect (the API answers 404)
    a.oldObject().ifPresent(pod -> {
      if (!nodeNameOf(pod).equals(node)) {
        throw denied(a, "node \"" + node + "\" can only evict pods with spec.nodeName set to"
            + " itself");
      }
    });
  }

  private static void admitLease(String node, AdmissionAttributes a) {
    if (!a.resource().equals("leases")) {
      return;
    }
    if (!a.namespace().equals(NODE_LEASE_NAMESPACE)) {
      throw denied(a, "can only access leases in the \"" + NODE_LEASE_NAMESPACE
          + "\" system namespace");
    }
    if (!a.name().equals(node)) {
      throw denied(a, "can only access node lease with the same name as the requesting node");
    }
  }

  /** Labels added, changed or removed. */
  static Set<String> modifiedLabels(Map<String, String> labels, Map<String, String> old) {
    Set<String> modified = new TreeSet<>();
    labels.forEach((key, value) -> {
      if (!value.equals(old.get(key))) {
        modified.add(key);
      }
    });
    old.keySet().stream().filter(key -> !labels.containsKey(key)).forEach(modified::add);
    return modified;
  }

  /** The labels a node may not set on itself, sorted. */
  static Set<String> forbiddenLabels(Set<String> modified) {
    Set<String> forbidden = new TreeSet<>();
    for (String label : modified) {
      String namespace = labelNamespace(label);
      if (namespace.equals(NODE_RESTRICTION_NAMESPACE)
          || namespace.endsWith("." + NODE_RESTRICTION_NAMESPACE)) {
        forbidden.add(label);
      }
      if (isKubernetesLabel(namespace) && !isKubeletLabel(label, namespace)) {
        forbidden.add(label);
      }
    }
    return forbidden;
  }

  private static boolean isKubernetesLabel(String namespace) {
    return namespace.equals("kubernetes.io") || namespace.endsWith(".kubernetes.io")
        || namespace.equals("k8s.io") || namespace.endsWith(".k8s.io");
  }

  private static boolean isKubeletLabel(String label, String namespace) {
    if (KUBELET_LABELS.contains(label)) {
      return true;
    }
    for (String allowed : KUBELET_LABEL_NAMESPACES) {
      if (namespace.equals(allowed) || namespace.endsWith("." + allowed)) {
        return true;
      }
    }
    return false;
  }

  private static String labelNamespace(String label) {
    int slash = label.indexOf('/');
    return slash < 0 ? "" : label.substring(0, slash);
  }

  private static Map<String, String> labels(JsonObject object) {
    Map<String, String> labels = new java.util.HashMap<>();
    object(object(object, "metadata"), "labels").forEach((key, value) -> labels.put(key,
        value instanceof jakarta.json.JsonString s ? s.getString() : value.toString()));
    return labels;
  }

  private static JsonValue taints(JsonObject node) {
    JsonValue taints = object(node, "spec").get("taints");
    return taints instanceof JsonArray array && array.isEmpty() ? null : taints;
  }

  private static String nodeNameOf(JsonObject pod) {
    return object(pod, "spec").getString("nodeName", "");
  }

  private static List<JsonObject> objects(JsonValue value) {
    List<JsonObject> objects = new ArrayList<>();
    if (value instanceof JsonArray array) {
      for (JsonValue item : array) {
        if (item instanceof JsonObject o) {
          objects.add(o);
        }
      }
    }
    return objects;
  }

  private static AdmissionDenied denied(AdmissionAttributes a, String reason) {
    return new AdmissionDenied(a.groupResource(), a.name(), reason);
  }
}
