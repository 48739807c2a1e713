package dev.capstan.api.table;

import static dev.capstan.api.table.Fields.objects;
import static dev.capstan.api.table.Fields.string;

import jakarta.json.JsonObject;
import java.util.List;

/**
 * The READY, STATUS and RESTARTS cells of {@code kubectl get pods} and the STATUS of nodes,
 * derived as kubectl's printers derive them: a waiting or terminated container's reason wins over
 * the phase, and a pod being deleted reads {@code Terminating}.
 */
final class PodStatus {

  private PodStatus() {}

  static String ready(JsonObject pod) {
    List<JsonObject> statuses = objects(pod, "status.containerStatuses");
    long ready = statuses.stream().filter(s -> s.getBoolean("ready", false)).count();
    return ready + "/" + objects(pod, "spec.containers").size();
  }

  static long restarts(JsonObject pod) {
    return objects(pod, "status.containerStatuses").stream()
        .mapToLong(s -> s.getInt("restartCount", 0)).sum();
  }

  static String status(JsonObject pod) {
    String reason = string(pod, "status.reason");
    if (reason.isEmpty()) {
      reason = string(pod, "status.phase");
    }
    if (reason.isEmpty()) {
      reason = "Pending";
    }
    for (JsonObject container : objects(pod, "status.containerStatuses")) {
      String waiting = string(container, "state.waiting.reason");
      String terminated = string(container, "state.terminated.reason");
      if (!waiting.isEmpty()) {
        reason = waiting;
      } else if (!terminated.isEmpty()) {
        reason = terminated;
      }
    }
    if (!string(pod, "metadata.deletionTimestamp").isEmpty()) {
      return "NodeLost".equals(reason) ? "Unknown" : "Terminating";
    }
    return reason;
  }

  static String node(JsonObject node) {
    String ready = objects(node, "status.conditions").stream()
        .filter(c -> "Ready".equals(c.getString("type", "")))
        .map(c -> "True".equals(c.getString("status", "")) ? "Ready" : "NotReady")
        .findFirst().orElse("Unknown");
    return node.getJsonObject("spec") != null && node.getJsonObject("spec").getBoolean("unschedulable", false)
        ? ready + ",SchedulingDisabled" : ready;
  }
}
