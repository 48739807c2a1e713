package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.jsonp.Json;
import dev.capstan.store.ObjectMetadata;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/**
 * A Deployment's Available and Progressing conditions, decided as Kubernetes' deployment
 * controller decides them (pure functions of the Deployment, its new status counts and the
 * time). Progressing says {@code NewReplicaSetCreated} or {@code FoundNewReplicaSet} when the
 * current ReplicaSet is made or first seen, {@code ReplicaSetUpdated} whenever the rollout moves
 * (more updated, ready or available pods, fewer old ones), {@code NewReplicaSetAvailable} once it
 * is complete, and turns False with {@code ProgressDeadlineExceeded} when it has not moved for
 * {@code progressDeadlineSeconds}; a paused Deployment is {@code DeploymentPaused} (Unknown), and
 * on resume {@code DeploymentResumed}, from which the deadline counts again.
 */
final class DeploymentConditions {

  /** What happened to the current ReplicaSet in this reconcile. */
  enum NewReplicaSet { CREATED, FOUND, NONE }

  /** {@code progressDeadlineSeconds} at Go's MaxInt32 means no deadline. */
  static final int NO_DEADLINE = Integer.MAX_VALUE;

  private DeploymentConditions() {}

  /** Available: at least {@code replicas - maxUnavailable} pods available. */
  static JsonObject available(JsonObject previousStatus, boolean minimumAvailable, String now) {
    return condition(previousStatus, "Available", minimumAvailable ? "True" : "False",
        minimumAvailable ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
        minimumAvailable ? "Deployment has minimum availability."
            : "Deployment does not have minimum availability.", now, false);
  }

  /**
   * The Progressing condition after this reconcile; empty when the Deployment has no deadline
   * and never had one.
   *
   * @param counts the new status counts (replicas, updatedReplicas, readyReplicas,
   *     availableReplicas)
   */
  static Optional<JsonObject> progressing(JsonObject deployment, JsonObject counts,
      String replicaSet, NewReplicaSet newReplicaSet, Instant instant) {
    JsonObject spec = object(deployment, "spec");
    JsonObject previousStatus = object(deployment, "status");
    Optional<JsonObject> current = find(previousStatus, "Progressing");
    String now = ObjectMetadata.timestamp(instant);
    String reason = current.map(c -> c.getString("reason", "")).orElse("");
    if (spec.getBoolean("paused", false)) {
      return Optional.of(reason.equals("DeploymentPaused") ? current.get()
          : condition(previousStatus, "Progressing", "Unknown", "DeploymentPaused",
              "Deployment is paused", now, true));
    }
    if (reason.equals("DeploymentPaused")) {
      return Optional.of(condition(previousStatus, "Progressing", "Unknown", "DeploymentResumed",
          "Deployment is resumed", now, true));
    }
    if (deadline(spec) == NO_DEADLINE) {
      return Optional.empty();
    }
    int replicas = spec.getInt("replicas", 1);
    boolean complete = counts.getInt("updatedReplicas", 0) == replicas
        && counts.getInt("replicas", 0) == replicas
        && counts.getInt("availableReplicas", 0) == replicas
        && !replicaSet.isEmpty();
    boolean stillComplete = counts.getInt("replicas", 0) == counts.getInt("updatedReplicas", 0)
        && reason.equals("NewReplicaSetAvailable");
    if (stillComplete) {
      return current;
    }
    if (complete) {
      return Optional.of(condition(previousStatus, "Progressing", "True",
          "NewReplicaSetAvailable", "ReplicaSet \"" + replicaSet + "\" has successfully progressed.",
          now, true));
    }
    if (newReplicaSet == NewReplicaSet.CREATED) {
      return Optional.of(condition(previousStatus, "Progressing", "True", "NewReplicaSetCreated",
          "Created new replica set \"" + replicaSet + "\"", now, true));
    }
    if (newReplicaSet == NewReplicaSet.FOUND && current.isEmpty()) {
      return Optional.of(condition(previousStatus, "Progressing", "True", "FoundNewReplicaSet",
          "Found new replica set \"" + replicaSet + "\"", now, true));
    }
    if (moved(previousStatus, counts)) {
      return Optional.of(condition(previousStatus, "Progressing", "True", "ReplicaSetUpdated",
          "ReplicaSet \"" + replicaSet + "\" is progressing.", now, true));
    }
    if (timedOut(current, deadline(spec), instant)) {
      return Optional.of(reason.equals("ProgressDeadlineExceeded") ? current.get()
          : condition(previousStatus, "Progressing", "False", "ProgressDeadlineExceeded",
              "ReplicaSet \"" + replicaSet + "\" has timed out progressing.", now, true));
    }
    return current;
  }

  /** When the Progressing condition would time out, if it still can. */
  static Optional<Instant> deadlineAt(JsonObject spec, Optional<JsonObject> progressing) {
    int deadline = deadline(spec);
    if (deadline == NO_DEADLINE || spec.getBoolean("paused", false) || progressing.isEmpty()) {
      return Optional.empty();
    }
    String reason = progressing.get().getString("reason", "");
    if (reason.equals("NewReplicaSetAvailable") || reason.equals("ProgressDeadlineExceeded")) {
      return Optional.empty();
    }
    return lastUpdate(progressing.get()).map(t -> t.plusSeconds(deadline + 1L));
  }

  /** Kubernetes' DeploymentProgressing: more updated, ready or available pods, fewer old. */
  static boolean moved(JsonObject previous, JsonObject counts) {
    int oldBefore = previous.getInt("replicas", 0) - previous.getInt("updatedReplicas", 0);
    int oldNow = counts.getInt("replicas", 0) - counts.getInt("updatedReplicas", 0);
    return counts.getInt("updatedReplicas", 0) > previous.getInt("updatedReplicas", 0)
        || oldNow < oldBefore
        || counts.getInt("readyReplicas", 0) > previous.getInt("readyReplicas", 0)
        || counts.getInt("availableReplicas", 0) > previous.getInt("availableReplicas", 0);
  }

  private static boolean timedOut(Optional<JsonObject> progressing, int deadline,
      Instant now) {
    if (progressing.isEmpty()) {
      return false;
    }
    String reason = progressing.get().getString("reason", "");
    if (reason.equals("NewReplicaSetAvailable")) {
      return false;
    }
    if (reason.equals("ProgressDeadlineExceeded")) {
      return true;
    }
    return lastUpdate(progressing.get())
        .map(from -> from.plusSeconds(deadline).isBefore(now)).orElse(false);
  }

  static int deadline(JsonObject spec) {
    return spec.get("progressDeadlineSeconds") instanceof JsonNumber n ? n.intValue()
        : NO_DEADLINE;
  }

  private static Optional<Instant> lastUpdate(JsonObject condition) {
    String text = condition.getString("lastUpdateTime", "");
    return text.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(text));
  }

  static Optional<JsonObject> find(JsonObject status, String type) {
    return objects(status, "conditions").stream()
        .filter(c -> type.equals(c.getString("type", ""))).findFirst();
  }

  /**
   * A condition, keeping {@code lastTransitionTime} while the status stays the same and
   * {@code lastUpdateTime} while the reason does too, unless {@code touch} says this is news.
   */
  static JsonObject condition(JsonObject previousStatus, String type, String status,
      String reason, String message, String now, boolean touch) {
    Optional<JsonObject> previous = find(previousStatus, type);
    String transition = previous.filter(c -> status.equals(c.getString("status", "")))
        .map(c -> c.getString("lastTransitionTime", now)).orElse(now);
    String update = touch ? now : previous.filter(c -> status.equals(c.getString("status", ""))
            && reason.equals(c.getString("reason", "")))
        .map(c -> c.getString("lastUpdateTime", now)).orElse(now);
    return Json.createObjectBuilder().add("type", type).add("status", status)
        .add("lastUpdateTime", update).add("lastTransitionTime", transition)
        .add("reason", reason).add("message", message).build();
  }
}
