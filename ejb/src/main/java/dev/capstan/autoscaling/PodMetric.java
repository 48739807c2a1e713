package dev.capstan.autoscaling;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.resources.Quantity;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One pod's use of one resource, as the resource metrics API reports it: the sum over its
 * containers, in thousandths of the unit (millicores, millibytes: Kubernetes'
 * {@code MilliValue}), when it was sampled and over which window.
 */
public record PodMetric(long milliValue, Instant timestamp, Duration window) {

  private static final Pattern GO_DURATION =
      Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:(\\d+(?:\\.\\d+)?)s)?");

  /**
   * The metrics of each pod by name, from PodMetrics bodies ({@code getPodMetrics}): a pod
   * with no containers, or a container without this resource, has none.
   *
   * @throws ReplicaCalculationException when there are no PodMetrics at all
   */
  public static Map<String, PodMetric> of(List<JsonObject> podMetrics, String resource)
      throws ReplicaCalculationException {
    if (podMetrics.isEmpty()) {
      throw new ReplicaCalculationException("no metrics returned from resource metrics API");
    }
    Map<String, PodMetric> byPod = new HashMap<>();
    for (JsonObject metrics : podMetrics) {
      JsonArray containers = metrics.get("containers") instanceof JsonArray array ? array
          : JsonValue.EMPTY_JSON_ARRAY;
      boolean missing = containers.isEmpty();
      long sum = 0;
      for (JsonValue value : containers) {
        JsonValue usage = value instanceof JsonObject container
            ? object(container, "usage").get(resource) : null;
        if (usage == null) {
          missing = true;
          break;
        }
        sum += Quantity.of(usage).map(Quantity::milliValue).orElse(0L);
      }
      if (!missing) {
        byPod.put(object(metrics, "metadata").getString("name", ""), sampled(sum, metrics));
      }
    }
    return byPod;
  }

  /**
   * The metrics of one container of each pod by pod name ({@code getContainerMetrics}): a pod
   * whose container has no such resource has none.
   *
   * @throws ReplicaCalculationException when there are no PodMetrics at all, or a pod's metrics
   *     have no such container
   */
  public static Map<String, PodMetric> ofContainer(List<JsonObject> podMetrics, String resource,
      String container) throws ReplicaCalculationException {
    if (podMetrics.isEmpty()) {
      throw new ReplicaCalculationException("no metrics returned from resource metrics API");
    }
    Map<String, PodMetric> byPod = new HashMap<>();
    for (JsonObject metrics : podMetrics) {
      JsonObject metadata = object(metrics, "metadata");
      JsonObject found = null;
      if (metrics.get("containers") instanceof JsonArray containers) {
        for (JsonValue value : containers) {
          if (value instanceof JsonObject candidate
              && candidate.getString("name", "").equals(container)) {
            found = candidate;
            break;
          }
        }
      }
      if (found == null) {
        throw new ReplicaCalculationException("failed to get container metrics: container "
            + container + " not present in metrics for pod " + metadata.getString("namespace", "")
            + "/" + metadata.getString("name", ""));
      }
      JsonValue usage = object(found, "usage").get(resource);
      if (usage != null) {
        byPod.put(metadata.getString("name", ""),
            sampled(Quantity.of(usage).map(Quantity::milliValue).orElse(0L), metrics));
      }
    }
    return byPod;
  }

  /** A value with the sampling time and window of the PodMetrics it comes from. */
  private static PodMetric sampled(long milliValue, JsonObject podMetrics) {
    return new PodMetric(milliValue,
        Instant.parse(podMetrics.getString("timestamp", Instant.EPOCH.toString())),
        duration(podMetrics.getString("window", "0s")));
  }

  /** A Go duration as metrics-server writes a window ({@code 10s}, {@code 1m0s}). */
  static Duration duration(String text) {
    Matcher m = GO_DURATION.matcher(text);
    if (!m.matches()) {
      return Duration.ZERO;
    }
    Duration duration = Duration.ZERO;
    if (m.group(1) != null) {
      duration = duration.plusHours(Long.parseLong(m.group(1)));
    }
    if (m.group(2) != null) {
      duration = duration.plusMinutes(Long.parseLong(m.group(2)));
    }
    if (m.group(3) != null) {
      duration = duration.plusMillis(Math.round(Double.parseDouble(m.group(3)) * 1000));
    }
    return duration;
  }
}
