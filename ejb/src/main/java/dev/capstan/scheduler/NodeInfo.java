package dev.capstan.scheduler;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.nodes.NodeHealth;
import dev.capstan.nodes.NodeTaints;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One node as the scheduler sees it: what it offers (allocatable cpu, memory, pods), what the
 * pods bound to it already take, its labels, taints and host ports in use, and whether it is
 * ready: its Ready condition is True and its agent was heard from within the grace period
 * ({@link NodeHealth}, the same judgement as the node lifecycle controller's).
 */
final class NodeInfo {

  private static final Set<String> DERIVED_TAINTS = Set.of(NodeTaints.UNSCHEDULABLE,
      NodeTaints.NOT_READY, NodeTaints.UNREACHABLE);

  final String name;
  final JsonObject node;
  final Resources allocatable;
  final long allocatablePods;
  Resources requested = Resources.NONE;
  int pods;
  final Set<String> hostPorts = new HashSet<>();
  final Map<String, Integer> podsByOwner = new HashMap<>();
  final boolean ready;

  NodeInfo(JsonObject node, Optional<Instant> leaseRenewed, Instant now, Duration grace) {
    this.node = node;
    this.name = object(node, "metadata").getString("name", "");
    JsonObject status = object(node, "status");
    JsonObject allocatableList = object(status, "allocatable").isEmpty()
        ? object(status, "capacity") : object(status, "allocatable");
    this.allocatable = Resources.of(allocatableList);
    this.allocatablePods = allocatableList.containsKey("pods")
        ? Resources.count(allocatableList.get("pods")) : 110;
    this.ready = NodeHealth.ready(node, leaseRenewed, now, grace);
  }

  JsonObject labels() {
    return object(object(node, "metadata"), "labels");
  }

  boolean unschedulable() {
    return object(node, "spec").getBoolean("unschedulable", false);
  }

  /**
   * The node's taints, but for those the node lifecycle controller derives from the node
   * ({@code unschedulable}, {@code not-ready}, {@code unreachable}): {@code spec.unschedulable}
   * and readiness are checked directly, as the derived taints lag them by a controller tick.
   */
  List<JsonObject> taints() {
    return objects(object(node, "spec"), "taints").stream()
        .filter(taint -> !DERIVED_TAINTS.contains(taint.getString("key", ""))).toList();
  }

  /** Counts a pod bound to this node. */
  void add(JsonObject podSpec, Optional<String> owner) {
    requested = requested.plus(Resources.requestedBy(podSpec));
    pods++;
    hostPorts.addAll(PodDemand.hostPorts(podSpec));
    owner.ifPresent(uid -> podsByOwner.merge(uid, 1, Integer::sum));
  }
}
