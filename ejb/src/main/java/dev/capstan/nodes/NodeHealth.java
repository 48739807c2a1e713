package dev.capstan.nodes;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Whether a node's agent is still heard from, as Kubernetes' node lifecycle controller judges
 * it: the later of its Lease's {@code renewTime} (in {@code kube-node-lease}) and its Ready
 * condition's {@code lastHeartbeatTime} must lie within the monitor grace period
 * ({@code capstan.node.monitor-grace-period}, seconds or an ISO-8601 duration; 40 s by default,
 * as {@code --node-monitor-grace-period}).
 */
public final class NodeHealth {

  public static final String GRACE_PROPERTY = "capstan.node.monitor-grace-period";
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(40);
  public static final String LEASE_NAMESPACE = "kube-node-lease";

  private NodeHealth() {}

  /** The configured grace period (the default when the property is missing or unreadable). */
  public static Duration gracePeriod() {
    return Durations.fromProperty(GRACE_PROPERTY, DEFAULT_GRACE);
  }

  /** A Lease's {@code spec.renewTime}; empty when missing or unreadable. */
  public static Optional<Instant> renewTime(JsonObject lease) {
    return instant(object(lease, "spec").getString("renewTime", ""));
  }

  public static Optional<JsonObject> condition(JsonObject node, String type) {
    return objects(object(node, "status"), "conditions").stream()
        .filter(c -> type.equals(c.getString("type", ""))).findFirst();
  }

  /** The Ready condition's status: {@code True}, {@code False}, {@code Unknown}, or empty. */
  public static String readyStatus(JsonObject node) {
    return condition(node, "Ready").map(c -> c.getString("status", "")).orElse("");
  }

  /**
   * When the node's agent was last heard from: the latest of the lease renewal, the Ready
   * heartbeat and (as Kubernetes starts counting there) the node's creation.
   */
  public static Instant lastHeard(JsonObject node, Optional<Instant> leaseRenewed) {
    Instant heartbeat = condition(node, "Ready")
        .flatMap(c -> instant(c.getString("lastHeartbeatTime", ""))).orElse(Instant.EPOCH);
    Instant created = instant(object(node, "metadata").getString("creationTimestamp", ""))
        .orElse(Instant.EPOCH);
    Instant lease = leaseRenewed.orElse(Instant.EPOCH);
    return latest(lease, latest(heartbeat, created));
  }

  private static Instant latest(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  /** Whether the agent was heard from within {@code grace} before {@code now}. */
  public static boolean heard(JsonObject node, Optional<Instant> leaseRenewed, Instant now,
      Duration grace) {
    return lastHeard(node, leaseRenewed).plus(grace).isAfter(now);
  }

  /** Ready True and heard from within the grace period: what the scheduler places pods on. */
  public static boolean ready(JsonObject node, Optional<Instant> leaseRenewed, Instant now,
      Duration grace) {
    return "True".equals(readyStatus(node)) && heard(node, leaseRenewed, now, grace);
  }

  static Optional<Instant> instant(String text) {
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
