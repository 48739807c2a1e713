package dev.capstan.autoscaling;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the autoscaler remembers between syncs of each autoscaler, as Kubernetes' HPA controller
 * does in memory: recent recommendations (the stabilisation windows) and recent rescales (the
 * scaling policies' rates). It turns a recommendation into the size to scale to
 * ({@code normalizeDesiredReplicasWithBehaviors}): first stabilised (scale up no further than
 * the lowest recommendation of the scale-up window, down no further than the highest of the
 * scale-down window), then limited by the policies' rate and by min/max. Lost when the
 * controller restarts or moves to another server, as in Kubernetes: a fresh memory starts with
 * the current size as its only recommendation, so it never scales down at once.
 *
 * <p>One key is synced by one worker at a time; the maps are shared between keys.
 */
public final class ScaleHistory {

  /** A recommendation (the unstabilised desired size) at a time. */
  private record Recommendation(int replicas, Instant at) {}

  /** A rescale by {@code change} pods at a time. */
  private record ScaleEvent(int change, Instant at) {}

  /** A condition as the normalisation sets it. */
  public record Condition(String status, String reason, String message) {}

  /**
   * The size to scale to and the conditions explaining it.
   *
   * @param ableToScale {@code AbleToScale}: ReadyForNewScale, or Scale(Up|Down)Stabilized
   * @param scalingLimited {@code ScalingLimited}: DesiredWithinRange, TooManyReplicas,
   *     TooFewReplicas, ScaleUpLimit or ScaleDownLimit
   */
  public record Normalized(int replicas, Condition ableToScale, Condition scalingLimited) {}

  private final Map<String, List<Recommendation>> recommendations = new ConcurrentHashMap<>();
  private final Map<String, List<ScaleEvent>> scaleUps = new ConcurrentHashMap<>();
  private final Map<String, List<ScaleEvent>> scaleDowns = new ConcurrentHashMap<>();

  /** Starts the memory of an autoscaler seen for the first time with its current size. */
  public void start(String key, int currentReplicas, Instant now) {
    recommendations.computeIfAbsent(key,
        k -> new ArrayList<>(List.of(new Recommendation(currentReplicas, now))));
  }

  /** Forgets an autoscaler that is gone. */
  public void forget(String key) {
    recommendations.remove(key);
    scaleUps.remove(key);
    scaleDowns.remove(key);
  }

  /** The size to scale to for a recommendation ({@code prenormalizedDesiredReplicas}). */
  public Normalized normalize(String key, ScalingRules up, ScalingRules down, int minReplicas,
      int maxReplicas, int currentReplicas, int desired, Instant now) {
    int stabilized = stabilize(key, up, down, currentReplicas, desired, now);
    Condition able;
    if (stabilized != desired) {
      able = desired >= currentReplicas
          ? new Condition("True", "ScaleUpStabilized", "recent recommendations were lower than"
              + " current one, applying the lowest recent recommendation")
          : new Condition("True", "ScaleDownStabilized", "recent recommendations were higher"
              + " than current one, applying the highest recent recommendation");
    } else {
      able = new Condition("True", "ReadyForNewScale", "recommended size matches current size");
    }
    int limited = stabilized;
    String reason = "DesiredWithinRange";
    String message = "the desired count is within the acceptable range";
    if (stabilized > currentReplicas) {
      int limit = Math.max(currentReplicas, scaleUpLimit(key, up, currentReplicas, now));
      int allowed = maxReplicas;
      String limitReason = "TooManyReplicas";
      String limitMessage = "the desired replica count is more than the maximum replica count";
      if (allowed > limit) {
        allowed = limit;
        limitReason = "ScaleUpLimit";
        limitMessage = "the desired replica count is increasing faster than the maximum scale"
            + " rate";
      }
      if (stabilized > allowed) {
        limited = allowed;
        reason = limitReason;
        message = limitMessage;
      }
    } else if (stabilized < currentReplicas) {
      int limit = Math.min(currentReplicas, scaleDownLimit(key, down, currentReplicas, now));
      int allowed = minReplicas;
      String limitReason = "TooFewReplicas";
      String limitMessage = "the desired replica count is less than the minimum replica count";
      if (allowed < limit) {
        allowed = limit;
        limitReason = "ScaleDownLimit";
        limitMessage = "the desired replica count is decreasing faster than the maximum scale"
            + " rate";
      }
      if (stabilized < allowed) {
        limited = allowed;
        reason = limitReason;
        message = limitMessage;
      }
    }
    Condition scalingLimited = new Condition(limited == stabilized ? "False" : "True", reason,
        message);
    return new Normalized(limited, able, scalingLimited);
  }

  /** Remembers a rescale, for the policies' rates ({@code storeScaleEvent}). */
  public void rescaled(String key, ScalingRules up, ScalingRules down, int from, int to,
      Instant now) {
    if (to == from) {
      return;
    }
    boolean isUp = to > from;
    ScalingRules rules = isUp ? up : down;
    List<ScaleEvent> events = (isUp ? scaleUps : scaleDowns)
        .computeIfAbsent(key, k -> new ArrayList<>());
    Instant outdated = now.minusSeconds(rules.longestPeriodSeconds());
    synchronized (events) {
      events.removeIf(event -> !event.at().isAfter(outdated));
      events.add(new ScaleEvent(Math.abs(to - from), now));
    }
  }

  /** {@code stabilizeRecommendationWithBehaviors}; records the recommendation. */
  private int stabilize(String key, ScalingRules up, ScalingRules down, int current, int desired,
      Instant now) {
    Instant upCutoff = now.minusSeconds(up.stabilizationWindowSeconds());
    Instant downCutoff = now.minusSeconds(down.stabilizationWindowSeconds());
    int upRecommendation = desired;
    int downRecommendation = desired;
    List<Recommendation> recent = recommendations.computeIfAbsent(key, k -> new ArrayList<>());
    synchronized (recent) {
      for (Recommendation recommendation : recent) {
        if (recommendation.at().isAfter(upCutoff)) {
          upRecommendation = Math.min(upRecommendation, recommendation.replicas());
        }
        if (recommendation.at().isAfter(downCutoff)) {
          downRecommendation = Math.max(downRecommendation, recommendation.replicas());
        }
      }
      // samples older than both windows are no longer needed
      recent.removeIf(r -> r.at().isBefore(upCutoff) && r.at().isBefore(downCutoff));
      recent.add(new Recommendation(desired, now));
    }
    int recommendation = current;
    if (recommendation < upRecommendation) {
      recommendation = upRecommendation;
    }
    if (recommendation > downRecommendation) {
      recommendation = downRecommendation;
    }
    return recommendation;
  }

  /** {@code calculateScaleUpLimitWithScalingRules}. */
  private int scaleUpLimit(String key, ScalingRules rules, int current, Instant now) {
    if (rules.selectPolicy().equals("Disabled")) {
      return current;
    }
    boolean min = rules.selectPolicy().equals("Min");
    long result = min ? Integer.MAX_VALUE : Integer.MIN_VALUE;
    for (ScalingRules.Policy policy : rules.policies()) {
      int periodStart = current - changed(scaleUps, key, policy.periodSeconds(), now)
          + changed(scaleDowns, key, policy.periodSeconds(), now);
      long proposed = policy.type().equals("Pods") ? periodStart + (long) policy.value()
          : (long) Math.ceil(periodStart * (1 + policy.value() / 100.0));
      result = min ? Math.min(result, proposed) : Math.max(result, proposed);
    }
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, result));
  }

  /** {@code calculateScaleDownLimitWithBehaviors}. */
  private int scaleDownLimit(String key, ScalingRules rules, int current, Instant now) {
    if (rules.selectPolicy().equals("Disabled")) {
      return current;
    }
    boolean min = rules.selectPolicy().equals("Min");
    long result = min ? Integer.MIN_VALUE : Integer.MAX_VALUE;
    for (ScalingRules.Policy policy : rules.policies()) {
      int periodStart = current - changed(scaleUps, key, policy.periodSeconds(), now)
          + changed(scaleDowns, key, policy.periodSeconds(), now);
      long proposed = policy.type().equals("Pods") ? periodStart - (long) policy.value()
          : (long) (periodStart * (1 - policy.value() / 100.0));
      result = min ? Math.max(result, proposed) : Math.min(result, proposed);
    }
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, result));
  }

  /** {@code getReplicasChangePerPeriod}: the pods added (or removed) within the period. */
  private static int changed(Map<String, List<ScaleEvent>> byKey, String key, int periodSeconds,
      Instant now) {
    List<ScaleEvent> events = byKey.get(key);
    if (events == null) {
      return 0;
    }
    Instant cutoff = now.minusSeconds(periodSeconds);
    synchronized (events) {
      return events.stream().filter(event -> event.at().isAfter(cutoff))
          .mapToInt(ScaleEvent::change).sum();
    }
  }
}
