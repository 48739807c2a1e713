package dev.capstan.disruption;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.json.JsonFields;
import dev.capstan.jsonp.Json;
import dev.capstan.nodes.PodReadiness;
import dev.capstan.selection.LabelSelector;
import dev.capstan.store.ObjectMetadata;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a policy/v1 PodDisruptionBudget allows, computed as Kubernetes' disruption controller
 * does: how many of the pods it selects must stay healthy ({@code minAvailable}, or the expected
 * count less {@code maxUnavailable}; percentages of the expected count round up), how many are
 * healthy (Ready, not being deleted, not just evicted), and so how many disruptions are allowed
 * now. Pure functions of the budget and the pods; the controller and the eviction subresource
 * read the objects.
 */
public final class DisruptionBudgets {

  /** How long an eviction the budget allowed counts against it if the pod is not deleted. */
  static final Duration DISRUPTION_TIMEOUT = Duration.ofMinutes(2);

  private DisruptionBudgets() {}

  /** Whether the budget selects the pod (an empty selector selects every pod, as in policy/v1). */
  public static boolean selects(JsonObject budget, JsonObject pod) {
    if (!(object(budget, "spec").get("selector") instanceof JsonObject selector)) {
      return false;
    }
    Map<String, String> labels = JsonFields.strings(object(object(pod, "metadata"), "labels"));
    return selector.isEmpty() || LabelSelector.fromJson(selector).matches(labels);
  }

  /**
   * The budget's status for these selected pods.
   *
   * @param expectedScale the replicas the pods' controllers ask for in all (used with
   *     {@code maxUnavailable} and percentages)
   */
  public static JsonObject status(JsonObject budget, List<JsonObject> pods, int expectedScale,
      Instant now) {
    JsonObject spec = object(budget, "spec");
    JsonObject disrupted = recentDisruptions(budget, pods, now);
    int healthy = (int) pods.stream()
        .filter(pod -> !ObjectMetadata.isDeleting(pod) && PodReadiness.ready(pod))
        .filter(pod -> !disrupted.containsKey(name(pod)))
        .count();
    int expected;
    int desired;
    if (spec.containsKey("maxUnavailable")) {
      expected = expectedScale;
      desired = Math.max(0, expected - scaled(spec.get("maxUnavailable"), expected));
    } else if (spec.get("minAvailable") instanceof JsonString percent) {
      expected = expectedScale;
      desired = scaled(percent, expected);
    } else {
      expected = (int) pods.stream().filter(pod -> !ObjectMetadata.isDeleting(pod)).count();
      desired = scaled(spec.getOrDefault("minAvailable", Json.createValue(1)), expected);
    }
    int allowed = Math.max(0, healthy - desired);
    JsonObjectBuilder status = Json.createObjectBuilder()
        .add("observedGeneration", generation(budget))
        .add("disruptionsAllowed", allowed)
        .add("currentHealthy", healthy)
        .add("desiredHealthy", desired)
        .add("expectedPods", expected)
        .add("conditions", Json.createArrayBuilder().add(condition(budget, allowed > 0, now)));
    if (!disrupted.isEmpty()) {
      status.add("disruptedPods", disrupted);
    }
    return status.build();
  }

  /** The budget's status after allowing the eviction of {@code pod} now. */
  public static JsonObject withEviction(JsonObject budget, String pod, Instant now) {
    JsonObject status = object(budget, "status");
    return Json.createObjectBuilder(budget).add("status", Json.createObjectBuilder(status)
        .add("disruptionsAllowed", Math.max(0, status.getInt("disruptionsAllowed", 0) - 1))
        .add("disruptedPods", Json.createObjectBuilder(object(status, "disruptedPods"))
            .add(pod, ObjectMetadata.timestamp(now)))).build();
  }

  /** Why the budget refuses to let {@code pod} be evicted now; empty when it allows it. */
  public static Optional<String> refusal(JsonObject budget, JsonObject pod) {
    String name = name(budget);
    JsonObject status = object(budget, "status");
    if (status.getInt("observedGeneration", 0) < generation(budget)) {
      return Optional.of("The disruption budget " + name
          + " is still being processed by the server.");
    }
    int healthy = status.getInt("currentHealthy", 0);
    int desired = status.getInt("desiredHealthy", 0);
    // a pod that is not healthy anyway may go while the budget is met (IfHealthyBudget)
    if (!PodReadiness.ready(pod) && healthy >= desired) {
      return Optional.empty();
    }
    if (status.getInt("disruptionsAllowed", 0) <= 0) {
      return Optional.of("The disruption budget " + name + " needs " + desired
          + " healthy pods and has " + healthy + " currently");
    }
    return Optional.empty();
  }

  /** Whether evicting the pod uses up one of the budget's disruptions (it is healthy). */
  public static boolean counts(JsonObject pod) {
    return PodReadiness.ready(pod);
  }

  /** Pods that need no budget: finished, not yet running, or already being deleted. */
  public static boolean exempt(JsonObject pod) {
    String phase = object(pod, "status").getString("phase", "");
    return ObjectMetadata.isDeleting(pod)
        || Set.of("Succeeded", "Failed", "Pending").contains(phase);
  }

  /** {@code N} or {@code N%} of {@code total}, percentages rounded up. */
  static int scaled(JsonValue value, int total) {
    if (value instanceof JsonNumber number) {
      return Math.max(0, number.intValue());
    }
    if (value instanceof JsonString text && text.getString().endsWith("%")) {
      try {
        int percent = Integer.parseInt(text.getString().substring(0,
            text.getString().length() - 1));
        return (int) Math.ceil(percent * (double) total / 100);
      } catch (NumberFormatException e) {
        return total;
      }
    }
    return total;
  }

  /** Evictions of the last two minutes whose pods are still there and not being deleted. */
  private static JsonObject recentDisruptions(JsonObject budget, List<JsonObject> pods,
      Instant now) {
    JsonObjectBuilder kept = Json.createObjectBuilder();
    object(object(budget, "status"), "disruptedPods").forEach((pod, time) -> {
      boolean present = pods.stream()
          .anyMatch(p -> name(p).equals(pod) && !ObjectMetadata.isDeleting(p));
      if (present && time instanceof JsonString text && recent(text.getString(), now)) {
        kept.add(pod, time);
      }
    });
    return kept.build();
  }

  /**
   * When the earliest of the status' recorded evictions stops counting (two minutes after it),
   * so the budget is looked at again then; empty when none is recorded.
   */
  public static Optional<Instant> nextExpiry(JsonObject status) {
    Optional<Instant> earliest = Optional.empty();
    for (JsonValue time : object(status, "disruptedPods").values()) {
      Optional<Instant> expiry = time instanceof JsonString text ? expiry(text.getString())
          : Optional.empty();
      if (expiry.isPresent() && (earliest.isEmpty() || expiry.get().isBefore(earliest.get()))) {
        earliest = expiry;
      }
    }
    return earliest;
  }

  private static boolean recent(String time, Instant now) {
    return expiry(time).filter(expiry -> expiry.isAfter(now)).isPresent();
  }

  /** When an eviction recorded at {@code time} stops counting; empty if it is not a time. */
  private static Optional<Instant> expiry(String time) {
    try {
      return Optional.of(Instant.parse(time).plus(DISRUPTION_TIMEOUT));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static JsonObject condition(JsonObject budget, boolean allowed, Instant now) {
    String status = allowed ? "True" : "False";
    Optional<JsonObject> previous = objects(object(budget, "status"), "conditions").stream()
        .filter(c -> "DisruptionAllowed".equals(c.getString("type", ""))).findFirst();
    String since = previous.filter(c -> status.equals(c.getString("status", "")))
        .map(c -> c.getString("lastTransitionTime", ""))
        .filter(t -> !t.isEmpty())
        .orElse(ObjectMetadata.timestamp(now));
    return Json.createObjectBuilder().add("type", "DisruptionAllowed").add("status", status)
        .add("reason", allowed ? "SufficientPods" : "InsufficientPods").add("message", "")
        .add("lastTransitionTime", since).add("observedGeneration", generation(budget))
        .build();
  }

  private static long generation(JsonObject budget) {
    JsonNumber generation = object(budget, "metadata").getJsonNumber("generation");
    return generation == null ? 1 : generation.longValue();
  }

  private static String name(JsonObject object) {
    return object(object, "metadata").getString("name", "");
  }
}
