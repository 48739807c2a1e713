package dev.capstan.nodes;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * When a pod on a node with NoExecute taints must be deleted, as Kubernetes' taint eviction
 * controller decides it: at once if it does not tolerate one of them; otherwise after the
 * shortest {@code tolerationSeconds} of the tolerations that let it stay (counted from the
 * latest {@code timeAdded} of those taints, or from when the pod was scheduled there if later);
 * never when they tolerate them without a time limit.
 */
public final class TaintEviction {

  private TaintEviction() {}

  /** When to delete the pod; empty when it may stay. */
  public static Optional<Instant> deadline(JsonObject pod, List<JsonObject> noExecuteTaints) {
    if (noExecuteTaints.isEmpty()) {
      return Optional.empty();
    }
    List<JsonObject> tolerations = objects(object(pod, "spec"), "tolerations");
    Optional<Duration> shortest = Optional.empty();
    for (JsonObject taint : noExecuteTaints) {
      List<JsonObject> tolerating = tolerations.stream()
          .filter(toleration -> Tolerations.tolerates(toleration, taint)).toList();
      if (tolerating.isEmpty()) {
        return Optional.of(Instant.EPOCH);
      }
      for (JsonObject toleration : tolerating) {
        if (toleration.get("tolerationSeconds") instanceof JsonNumber seconds) {
          Duration limit = Duration.ofSeconds(Math.max(0, seconds.longValue()));
          if (shortest.isEmpty() || limit.compareTo(shortest.get()) < 0) {
            shortest = Optional.of(limit);
          }
        }
      }
    }
    if (shortest.isEmpty()) {
      return Optional.empty();
    }
    Instant since = scheduled(pod);
    for (JsonObject taint : noExecuteTaints) {
      Instant added = NodeHealth.instant(taint.getString("timeAdded", "")).orElse(Instant.EPOCH);
      if (added.isAfter(since)) {
        since = added;
      }
    }
    return Optional.of(since.plus(shortest.get()));
  }

  /** When the pod was bound to its node (PodScheduled True), or the epoch if unknown. */
  private static Instant scheduled(JsonObject pod) {
    return objects(object(pod, "status"), "conditions").stream()
        .filter(c -> "PodScheduled".equals(c.getString("type", ""))
            && "True".equals(c.getString("status", "")))
        .findFirst()
        .flatMap(c -> NodeHealth.instant(c.getString("lastTransitionTime", "")))
        .orElse(Instant.EPOCH);
  }
}
