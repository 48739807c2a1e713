package dev.capstan.api.table;

import static dev.capstan.api.table.Fields.objects;
import static dev.capstan.api.table.Fields.string;

import jakarta.json.JsonObject;
import java.util.List;
import java.util.Optional;

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
        .mapToLong(s -> s.getInt("restartCount", 0)).sum()
        + objects(pod, "status.initContainerStatuses").stream()
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
    Optional<String> initializing = initializing(pod);
    if (initializing.isPresent()) {
      reason = initializing.get();
    } else {
      for (JsonObject container : objects(pod, "status.containerStatuses")) {
        String waiting = string(container, "state.waiting.reason");
        String terminated = string(container, "state.terminated.reason");
        if (!waiting.isEmpty()) {
          reason = waiting;
        } else if (!terminated.isEmpty()) {
          reason = terminated;
        }
      }
    }
    if (!string(pod, "metadata.deletionTimestamp").isEmpty()) {
      return "NodeLost".equals(reason) ? "Unknown" : "Terminating";
    }
    return reason;
  }

  /**
   * While init containers run: {@code Init:<done>/<all>}, or {@code Init:<reason>} for one that
   * failed or waits ({@code Init:Error}, {@code Init:CrashLoopBackOff}), as kubectl prints it.
   */
  private static Optional<String> initializing(JsonObject pod) {
    List<JsonObject> statuses = objects(pod, "status.initContainerStatuses");
    int total = objects(pod, "spec.initContainers").size();
    for (int i = 0; i < statuses.size(); i++) {
      JsonObject container = statuses.get(i);
      String terminatedReason = string(container, "state.terminated.reason");
      boolean terminated = container.getJsonObject("state") != null
          && container.getJsonObject("state").containsKey("terminated");
      int exitCode = terminated
          ? container.getJsonObject("state").getJsonObject("terminated").getInt("exitCode", 0) : 0;
      if (terminated && exitCode == 0) {
        continue;
      }
      if (terminated) {
        return Optional.of(terminatedReason.isEmpty() ? "Init:ExitCode:" + exitCode
            : "Init:" + terminatedReason);
      }
      String waiting = string(container, "state.waiting.reason");
      if (!waiting.isEmpty() && !waiting.equals("PodInitializing")) {
        return Optional.of("Init:" + waiting);
      }
      return Optional.of("Init:" + i + "/" + total);
    }
    return Optional.empty();
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
