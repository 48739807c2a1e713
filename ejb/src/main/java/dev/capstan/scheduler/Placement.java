package dev.capstan.scheduler;

import dev.capstan.nodes.NodeTaints;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One scheduling decision, shaped like kube-scheduler's framework: filters drop the nodes that
 * cannot take the pod (each saying why, in kube-scheduler's words), scores rank the rest, and
 * the best wins (a random one among equals). Scores: least allocated, balanced cpu/memory, and
 * spreading pods of the same controller across nodes, the reference's default behaviour.
 */
final class Placement {

  /** The outcome: a node, or why no node fits ({@code 0/3 nodes are available: ...}). */
  record Decision(Optional<NodeInfo> node, String reasons) {}

  private Placement() {}

  static Decision place(PodDemand pod, Collection<NodeInfo> nodes) {
    return place(pod, nodes, node -> Optional.empty());
  }

  /** With a further filter (the pod's volumes) after the pod's own. */
  static Decision place(PodDemand pod, Collection<NodeInfo> nodes,
      java.util.function.Function<NodeInfo, Optional<String>> also) {
    Map<String, Integer> rejections = new TreeMap<>();
    List<NodeInfo> feasible = new ArrayList<>();
    for (NodeInfo node : nodes) {
      Optional<String> reason = filter(pod, node).or(() -> also.apply(node));
      if (reason.isPresent()) {
        rejections.merge(reason.get(), 1, Integer::sum);
      } else {
        feasible.add(node);
      }
    }
    if (feasible.isEmpty()) {
      List<String> parts = new ArrayList<>();
      rejections.forEach((reason, count) -> parts.add(count + " " + reason));
      parts.sort(null);
      return new Decision(Optional.empty(), "0/" + nodes.size() + " nodes are available"
          + (parts.isEmpty() ? "" : ": " + String.join(", ", parts)) + ".");
    }
    double best = Double.NEGATIVE_INFINITY;
    List<NodeInfo> winners = new ArrayList<>();
    int maxOwned = pod.owner.map(uid -> feasible.stream()
        .mapToInt(node -> node.podsByOwner.getOrDefault(uid, 0)).max().orElse(0)).orElse(0);
    for (NodeInfo node : feasible) {
      double score = score(pod, node, maxOwned);
      if (score > best + 1e-9) {
        best = score;
        winners.clear();
        winners.add(node);
      } else if (Math.abs(score - best) <= 1e-9) {
        winners.add(node);
      }
    }
    return new Decision(Optional.of(winners.get(
        ThreadLocalRandom.current().nextInt(winners.size()))), "");
  }

  /** Why the node cannot take the pod; empty when it can. */
  static Optional<String> filter(PodDemand pod, NodeInfo node) {
    if (!node.ready) {
      String taint = NodeTaints.has(node.node, NodeTaints.UNREACHABLE)
          ? NodeTaints.UNREACHABLE : NodeTaints.NOT_READY;
      return Optional.of("node(s) had untolerated taint {" + taint + ": }");
    }
    if (node.unschedulable() && !pod.toleratesUnschedulable()) {
      return Optional.of("node(s) were unschedulable");
    }
    Optional<JsonObject> taint = pod.untoleratedTaint(node.taints());
    if (taint.isPresent()) {
      return Optional.of("node(s) had untolerated taint {" + taint.get().getString("key", "")
          + ": " + taint.get().getString("value", "") + "}");
    }
    if (!pod.acceptsNode(node.node)) {
      return Optional.of("node(s) didn't match Pod's node affinity/selector");
    }
    if (pod.hostPorts.stream().anyMatch(node.hostPorts::contains)) {
      return Optional.of("node(s) didn't have free ports for the requested pod ports");
    }
    if (node.pods + 1 > node.allocatablePods) {
      return Optional.of("Too many pods");
    }
    if (pod.resources.milliCpu() > 0
        && node.requested.milliCpu() + pod.resources.milliCpu() > node.allocatable.milliCpu()) {
      return Optional.of("Insufficient cpu");
    }
    if (pod.resources.memory() > 0
        && node.requested.memory() + pod.resources.memory() > node.allocatable.memory()) {
      return Optional.of("Insufficient memory");
    }
    return Optional.empty();
  }

  /** Higher is better; each part is 0 to 100. */
  static double score(PodDemand pod, NodeInfo node, int maxOwned) {
    // kube-scheduler counts pods without requests as 100m cpu and 200Mi memory for scoring
    long cpu = node.requested.milliCpu() + Math.max(pod.resources.milliCpu(), 100);
    long memory = node.requested.memory() + Math.max(pod.resources.memory(), 200L << 20);
    double cpuFree = fraction(node.allocatable.milliCpu() - cpu, node.allocatable.milliCpu());
    double memoryFree = fraction(node.allocatable.memory() - memory, node.allocatable.memory());
    double leastAllocated = (cpuFree + memoryFree) / 2 * 100;
    double balanced = (1 - Math.abs(cpuFree - memoryFree)) * 100;
    double spread = 100;
    if (pod.owner.isPresent() && maxOwned > 0) {
      int owned = node.podsByOwner.getOrDefault(pod.owner.get(), 0);
      spread = 100.0 * (maxOwned - owned) / maxOwned;
    }
    return leastAllocated + balanced + 2 * spread;
  }

  private static double fraction(long free, long total) {
    if (total <= 0) {
      return 0;
    }
    return Math.max(0, Math.min(1, (double) free / total));
  }
}
