package dev.capstan.nodes;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.jsonp.Json;
import dev.capstan.store.ObjectMetadata;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The taints the node lifecycle controller keeps on a node, as Kubernetes does: a Ready
 * condition of {@code Unknown} gives {@code node.kubernetes.io/unreachable} and {@code False}
 * gives {@code node.kubernetes.io/not-ready}, each with NoSchedule and NoExecute (the latter with
 * {@code timeAdded}, from which tolerationSeconds count); a cordoned node
 * ({@code spec.unschedulable}) gets {@code node.kubernetes.io/unschedulable:NoSchedule}; and
 * each pressure condition that is True gives its NoSchedule taint
 * ({@code MemoryPressure}: {@code node.kubernetes.io/memory-pressure}, {@code DiskPressure}:
 * {@code disk-pressure}, {@code PIDPressure}: {@code pid-pressure},
 * {@code NetworkUnavailable}: {@code network-unavailable}), as Kubernetes' node lifecycle
 * controller taints nodes by condition, so the scheduler keeps new pods off a node its agent
 * is evicting pods from (DaemonSet pods tolerate them).
 * Taints anyone else set are left alone; those of this controller go when their cause does.
 */
public final class NodeTaints {

  public static final String NOT_READY = "node.kubernetes.io/not-ready";
  public static final String UNREACHABLE = "node.kubernetes.io/unreachable";
  public static final String UNSCHEDULABLE = "node.kubernetes.io/unschedulable";
  public static final String OUT_OF_SERVICE = "node.kubernetes.io/out-of-service";
  public static final String MEMORY_PRESSURE = "node.kubernetes.io/memory-pressure";
  public static final String DISK_PRESSURE = "node.kubernetes.io/disk-pressure";
  public static final String PID_PRESSURE = "node.kubernetes.io/pid-pressure";
  public static final String NETWORK_UNAVAILABLE = "node.kubernetes.io/network-unavailable";
  /** The conditions that taint a node NoSchedule while True, and their taints. */
  private static final Map<String, String> CONDITION_TAINTS = new LinkedHashMap<>();

  static {
    CONDITION_TAINTS.put("MemoryPressure", MEMORY_PRESSURE);
    CONDITION_TAINTS.put("DiskPressure", DISK_PRESSURE);
    CONDITION_TAINTS.put("PIDPressure", PID_PRESSURE);
    CONDITION_TAINTS.put("NetworkUnavailable", NETWORK_UNAVAILABLE);
  }

  /** The taints this controller keeps (any other is someone else's). */
  private static final Set<String> OURS = Set.of(NOT_READY, UNREACHABLE, UNSCHEDULABLE,
      MEMORY_PRESSURE, DISK_PRESSURE, PID_PRESSURE, NETWORK_UNAVAILABLE);
  public static final String NO_SCHEDULE = "NoSchedule";
  public static final String NO_EXECUTE = "NoExecute";

  private NodeTaints() {}

  /** The taints the node should carry now (its other taints kept as they are). */
  public static List<JsonObject> desired(JsonObject node, Instant now) {
    List<JsonObject> current = objects(object(node, "spec"), "taints");
    List<JsonObject> result = new ArrayList<>();
    for (JsonObject taint : current) {
      String key = taint.getString("key", "");
      if (!OURS.contains(key)) {
        result.add(taint);
      }
    }
    String ready = NodeHealth.readyStatus(node);
    Optional<String> conditionTaint = switch (ready) {
      case "Unknown" -> Optional.of(UNREACHABLE);
      case "False" -> Optional.of(NOT_READY);
      default -> Optional.empty();
    };
    conditionTaint.ifPresent(key -> {
      result.add(keep(current, key, NO_SCHEDULE).orElse(taint(key, NO_SCHEDULE,
          Optional.empty())));
      result.add(keep(current, key, NO_EXECUTE).orElse(taint(key, NO_EXECUTE,
          Optional.of(now))));
    });
    CONDITION_TAINTS.forEach((type, key) -> {
      boolean holds = NodeHealth.condition(node, type)
          .map(c -> "True".equals(c.getString("status", ""))).orElse(false);
      if (holds) {
        result.add(keep(current, key, NO_SCHEDULE).orElse(taint(key, NO_SCHEDULE,
            Optional.empty())));
      }
    });
    if (object(node, "spec").getBoolean("unschedulable", false)) {
      result.add(keep(current, UNSCHEDULABLE, NO_SCHEDULE).orElse(taint(UNSCHEDULABLE,
          NO_SCHEDULE, Optional.empty())));
    }
    return result;
  }

  /** Whether the node carries the taints it should (in any order). */
  public static boolean upToDate(JsonObject node, Instant now) {
    return new HashSet<>(objects(object(node, "spec"), "taints"))
        .equals(new HashSet<>(desired(node, now)));
  }

  /** The node with {@code taints} as its {@code spec.taints} (none: the field removed). */
  public static JsonObject withTaints(JsonObject node, List<JsonObject> taints) {
    JsonObjectBuilder spec = Json.createObjectBuilder(object(node, "spec"));
    if (taints.isEmpty()) {
      spec.remove("taints");
    } else {
      JsonArrayBuilder array = Json.createArrayBuilder();
      taints.forEach(array::add);
      spec.add("taints", array);
    }
    return Json.createObjectBuilder(node).add("spec", spec).build();
  }

  /** The node's NoExecute taints. */
  public static List<JsonObject> noExecute(JsonObject node) {
    return objects(object(node, "spec"), "taints").stream()
        .filter(taint -> NO_EXECUTE.equals(taint.getString("effect", ""))).toList();
  }

  public static boolean has(JsonObject node, String key) {
    return objects(object(node, "spec"), "taints").stream()
        .anyMatch(taint -> key.equals(taint.getString("key", "")));
  }

  private static Optional<JsonObject> keep(List<JsonObject> current, String key, String effect) {
    return current.stream().filter(taint -> key.equals(taint.getString("key", ""))
        && effect.equals(taint.getString("effect", ""))).findFirst();
  }

  private static JsonObject taint(String key, String effect, Optional<Instant> added) {
    JsonObjectBuilder taint = Json.createObjectBuilder().add("key", key).add("effect", effect);
    added.ifPresent(time -> taint.add("timeAdded", ObjectMetadata.timestamp(time)));
    return taint.build();
  }
}
