package dev.capstan.scheduler;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

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
 * ready: its Ready condition is True and its agent was heard from within the grace period (the
 * node's Lease, or the condition's heartbeat).
 */
final class NodeInfo {

  static final Duration HEARTBEAT_GRACE = Duration.ofSeconds(40);

  final String name;
  final JsonObject node;
  final Resources allocatable;
  final long allocatablePods;
  Resources requested = Resources.NONE;
  int pods;
  final Set<String> hostPorts = new HashSet<>();
  final Map<String, Integer> podsByOwner = new HashMap<>();
  final boolean ready;

  NodeInfo(JsonObject node, Optional<Instant> leaseRenewed, Instant now) {
    this.node = node;
    this.name = object(node, "metadata").getString("name", "");
    JsonObject status = object(node, "status");
    JsonObject allocatableList = object(status, "allocatable").isEmpty()
        ? object(status, "capacity") : object(status, "allocatable");
    this.allocatable = Resources.of(allocatableList);
    this.allocatablePods = allocatableList.containsKey("pods")
        ? Resources.count(allocatableList.get("pods")) : 110;
    Optional<JsonObject> readyCondition = objects(status, "conditions").stream()
        .filter(c -> "Ready".equals(c.getString("type", ""))).findFirst();
    Optional<Instant> heartbeat = readyCondition
        .map(c -> c.getString("lastHeartbeatTime", ""))
        .filter(t -> !t.isEmpty()).map(Instant::parse);
    Instant lastHeard = leaseRenewed.orElse(heartbeat.orElse(Instant.EPOCH));
    if (heartbeat.isPresent() && heartbeat.get().isAfter(lastHeard)) {
      lastHeard = heartbeat.get();
    }
    this.ready = readyCondition.map(c -> "True".equals(c.getString("status", ""))).orElse(false)
        && lastHeard.plus(HEARTBEAT_GRACE).isAfter(now);
  }

  JsonObject labels() {
    return object(object(node, "metadata"), "labels");
  }

  boolean unschedulable() {
    return object(node, "spec").getBoolean("unschedulable", false);
  }

  List<JsonObject> taints() {
    return objects(object(node, "spec"), "taints");
  }

  /** Counts a pod bound to this node. */
  void add(JsonObject podSpec, Optional<String> owner) {
    requested = requested.plus(Resources.requestedBy(podSpec));
    pods++;
    hostPorts.addAll(PodDemand.hostPorts(podSpec));
    owner.ifPresent(uid -> podsByOwner.merge(uid, 1, Integer::sum));
  }
}
