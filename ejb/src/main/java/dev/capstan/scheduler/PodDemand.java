package dev.capstan.scheduler;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.jsonp.Json;
import dev.capstan.nodes.Tolerations;
import jakarta.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What a pod asks of a node: resources, host ports, node labels, tolerated taints, its owner. */
final class PodDemand {

  final JsonObject pod;
  final JsonObject spec;
  final Resources resources;
  final Set<String> hostPorts;
  final Optional<String> owner;

  PodDemand(JsonObject pod) {
    this.pod = pod;
    this.spec = object(pod, "spec");
    this.resources = Resources.requestedBy(spec);
    this.hostPorts = hostPorts(spec);
    this.owner = owner(pod);
  }

  /** The uid of the pod's controller (its ownerReference with {@code controller: true}). */
  static Optional<String> owner(JsonObject pod) {
    return objects(object(pod, "metadata"), "ownerReferences").stream()
        .filter(reference -> reference.getBoolean("controller", false))
        .map(reference -> reference.getString("uid", ""))
        .filter(uid -> !uid.isEmpty())
        .findFirst();
  }

  /** {@code protocol/hostIP/port} of each host port the pod's containers ask for. */
  static Set<String> hostPorts(JsonObject podSpec) {
    Set<String> ports = new HashSet<>();
    for (JsonObject container : objects(podSpec, "containers")) {
      for (JsonObject port : objects(container, "ports")) {
        int hostPort = port.getInt("hostPort", 0);
        if (hostPort > 0) {
          ports.add(port.getString("protocol", "TCP") + "/" + hostPort);
        }
      }
    }
    return ports;
  }

  /** Whether {@code nodeSelector} and required node affinity accept the node. */
  boolean acceptsNode(JsonObject node) {
    return NodeMatching.accepts(spec, node);
  }

  /** The first NoSchedule/NoExecute taint of the node the pod does not tolerate, if any. */
  Optional<JsonObject> untoleratedTaint(List<JsonObject> taints) {
    return NodeMatching.untoleratedTaint(objects(spec, "tolerations"), taints,
        NodeMatching.SCHEDULING_EFFECTS);
  }

  /** Whether the pod tolerates the taint Kubernetes puts on cordoned nodes. */
  boolean toleratesUnschedulable() {
    JsonObject taint = Json.createObjectBuilder()
        .add("key", "node.kubernetes.io/unschedulable").add("effect", "NoSchedule").build();
    return objects(spec, "tolerations").stream()
        .anyMatch(toleration -> Tolerations.tolerates(toleration, taint));
  }
}
