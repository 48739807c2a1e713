package dev.capstan.autoscaling;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.resources.Quantity;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Kubernetes' replica calculation for resource metrics
 * ({@code pkg/controller/podautoscaler/replica_calculator.go}), pure: from the target's pods
 * and their metrics, the number of replicas that brings the average to the target,
 * {@code ceil(ready pods × usage / target)}, unless the ratio is within the tolerance of 1.
 *
 * <p>Pods are grouped first ({@code groupPods}): deleted and failed pods are ignored; pending
 * pods, and for CPU pods not yet ready (or ready too recently for a full metrics window), count
 * as unready; running pods without metrics as missing. When pods are unready or missing, the
 * ratio is computed again with them assumed at 0% on a scale-up and at 100% (or the target) on
 * a scale-down, and the result is kept only if it scales in the same direction and beyond the
 * tolerance: so a half-started scale-up neither overshoots nor flaps back.
 */
public final class ReplicaCalculator {

  /** {@code --horizontal-pod-autoscaler-tolerance}. */
  public static final double TOLERANCE = 0.1;
  /** {@code --horizontal-pod-autoscaler-cpu-initialization-period}. */
  static final Duration CPU_INITIALIZATION_PERIOD = Duration.ofMinutes(5);
  /** {@code --horizontal-pod-autoscaler-initial-readiness-delay}. */
  static final Duration INITIAL_READINESS_DELAY = Duration.ofSeconds(30);

  /**
   * A proposal from a Utilization target.
   *
   * @param utilization the ready pods' usage as a percentage of their requests
   * @param rawAverage their average usage, in thousandths of the unit
   */
  public record UtilizationProposal(int replicas, int utilization, long rawAverage) {}

  /** A proposal from an AverageValue target; {@code average} in thousandths of the unit. */
  public record ValueProposal(int replicas, long average) {}

  private record Groups(int ready, Set<String> unready, Set<String> missing,
      Set<String> ignored) {}

  private ReplicaCalculator() {}

  /**
   * The metrics of the pods that count (neither ignored nor unready), as both calculations begin;
   * refused when there are no pods or none of them has a metric.
   */
  private static Map<String, Long> readyMetrics(List<JsonObject> pods,
      Map<String, PodMetric> podMetrics, Groups groups) throws ReplicaCalculationException {
    if (pods.isEmpty()) {
      throw new ReplicaCalculationException(
          "no pods returned by selector while calculating replica count");
    }
    Map<String, Long> metrics = values(podMetrics);
    groups.ignored().forEach(metrics::remove);
    groups.unready().forEach(metrics::remove);
    if (metrics.isEmpty()) {
      throw new ReplicaCalculationException(
          "did not receive metrics for targeted pods (pods might be unready)");
    }
    return metrics;
  }

  /** {@code GetResourceReplicas}: the replicas for a target utilization of the requests. */
  public static UtilizationProposal utilization(int currentReplicas, int targetUtilization,
      String resource, List<JsonObject> pods, Map<String, PodMetric> podMetrics, Instant now)
      throws ReplicaCalculationException {
    return utilization(currentReplicas, targetUtilization, resource, "", pods, podMetrics, now);
  }

  /**
   * {@code GetResourceReplicas} for one container of each pod ({@code container} not empty: a
   * ContainerResource metric, whose utilization is that container's usage over its request)
   * or for whole pods ({@code container} empty).
   */
  public static UtilizationProposal utilization(int currentReplicas, int targetUtilization,
      String resource, String container, List<JsonObject> pods,
      Map<String, PodMetric> podMetrics, Instant now) throws ReplicaCalculationException {
    Groups groups = group(pods, podMetrics, resource, now);
    Map<String, Long> metrics = readyMetrics(pods, podMetrics, groups);
    Map<String, Long> requests = requests(pods, resource, container);
    Ratio ratio = utilizationRatio(metrics, requests, targetUtilization);
    boolean scaleUpWithUnready = !groups.unready().isEmpty() && ratio.ratio() > 1.0;
    if (!scaleUpWithUnready && groups.missing().isEmpty()) {
      if (Math.abs(1.0 - ratio.ratio()) <= TOLERANCE) {
        return new UtilizationProposal(currentReplicas, ratio.utilization(), ratio.rawAverage());
      }
      return new UtilizationProposal((int) Math.ceil(ratio.ratio() * groups.ready()),
          ratio.utilization(), ratio.rawAverage());
    }
    if (!groups.missing().isEmpty()) {
      if (ratio.ratio() < 1.0) {
        // on a scale-down, missing pods count as using all of their request (or the target)
        long fallback = Math.max(100, targetUtilization);
        groups.missing().forEach(pod ->
            metrics.put(pod, requests.getOrDefault(pod, 0L) * fallback / 100));
      } else if (ratio.ratio() > 1.0) {
        groups.missing().forEach(pod -> metrics.put(pod, 0L));
      }
    }
    if (scaleUpWithUnready) {
      groups.unready().forEach(pod -> metrics.put(pod, 0L));
    }
    double newRatio = utilizationRatio(metrics, requests, targetUtilization).ratio();
    int replicas = settled(currentReplicas, ratio.ratio(), newRatio, metrics.size());
    return new UtilizationProposal(replicas, ratio.utilization(), ratio.rawAverage());
  }

  /** {@code GetRawResourceReplicas}: the replicas for a target average usage. */
  public static ValueProposal averageValue(int currentReplicas, long targetAverage,
      String resource, List<JsonObject> pods, Map<String, PodMetric> podMetrics, Instant now)
      throws ReplicaCalculationException {
    Groups groups = group(pods, podMetrics, resource, now);
    Map<String, Long> metrics = readyMetrics(pods, podMetrics, groups);
    long average = average(metrics);
    double ratio = (double) average / targetAverage;
    boolean scaleUpWithUnready = !groups.unready().isEmpty() && ratio > 1.0;
    if (!scaleUpWithUnready && groups.missing().isEmpty()) {
      if (Math.abs(1.0 - ratio) <= TOLERANCE) {
        return new ValueProposal(currentReplicas, average);
      }
      return new ValueProposal((int) Math.ceil(ratio * groups.ready()), average);
    }
    if (!groups.missing().isEmpty()) {
      long assumed = ratio < 1.0 ? targetAverage : 0;
      groups.missing().forEach(pod -> metrics.put(pod, assumed));
    }
    if (scaleUpWithUnready) {
      groups.unready().forEach(pod -> metrics.put(pod, 0L));
    }
    double newRatio = (double) average(metrics) / targetAverage;
    return new ValueProposal(settled(currentReplicas, ratio, newRatio, metrics.size()), average);
  }

  /**
   * The replicas from the ratio recomputed with unready and missing pods: the current ones if
   * the change is within the tolerance or would turn the direction of the scale around.
   */
  private static int settled(int currentReplicas, double ratio, double newRatio, int counted) {
    if (Math.abs(1.0 - newRatio) <= TOLERANCE || (ratio < 1.0 && newRatio > 1.0)
        || (ratio > 1.0 && newRatio < 1.0)) {
      return currentReplicas;
    }
    int replicas = (int) Math.ceil(newRatio * counted);
    if ((newRatio < 1.0 && replicas > currentReplicas)
        || (newRatio > 1.0 && replicas < currentReplicas)) {
      return currentReplicas;
    }
    return replicas;
  }

  private record Ratio(double ratio, int utilization, long rawAverage) {}

  /** {@code GetResourceUtilizationRatio}, over the pods with both a metric and a request. */
  private static Ratio utilizationRatio(Map<String, Long> metrics, Map<String, Long> requests,
      int targetUtilization) throws ReplicaCalculationException {
    long metricsTotal = 0;
    long requestsTotal = 0;
    int entries = 0;
    for (Map.Entry<String, Long> metric : metrics.entrySet()) {
      Long request = requests.get(metric.getKey());
      if (request == null) {
        continue; // a metric of a pod not (or no longer) selected
      }
      metricsTotal += metric.getValue();
      requestsTotal += request;
      entries++;
    }
    if (requestsTotal == 0) {
      throw new ReplicaCalculationException("no metrics returned matched known pods");
    }
    int utilization = (int) (metricsTotal * 100 / requestsTotal);
    return new Ratio((double) utilization / targetUtilization, utilization,
        metricsTotal / entries);
  }

  private static long average(Map<String, Long> metrics) {
    return metrics.values().stream().mapToLong(Long::longValue).sum() / metrics.size();
  }

  private static Map<String, Long> values(Map<String, PodMetric> podMetrics) {
    Map<String, Long> values = new HashMap<>();
    podMetrics.forEach((pod, metric) -> values.put(pod, metric.milliValue()));
    return values;
  }

  /** {@code groupPods}. */
  private static Groups group(List<JsonObject> pods, Map<String, PodMetric> metrics,
      String resource, Instant now) {
    int ready = 0;
    Set<String> unready = new HashSet<>();
    Set<String> missing = new HashSet<>();
    Set<String> ignored = new HashSet<>();
    for (JsonObject pod : pods) {
      JsonObject metadata = object(pod, "metadata");
      String name = metadata.getString("name", "");
      JsonObject status = object(pod, "status");
      String phase = status.getString("phase", "");
      if (metadata.containsKey("deletionTimestamp") || phase.equals("Failed")) {
        ignored.add(name);
        continue;
      }
      if (phase.equals("Pending")) {
        unready.add(name);
        continue;
      }
      PodMetric metric = metrics.get(name);
      if (metric == null) {
        missing.add(name);
        continue;
      }
      if (resource.equals("cpu") && cpuUnready(status, metric, now)) {
        unready.add(name);
        continue;
      }
      ready++;
    }
    return new Groups(ready, unready, missing, ignored);
  }

  /**
   * Whether a CPU sample is not to be trusted yet: the pod is not ready, or within its CPU
   * initialisation period the sample was taken before a full window since it became ready, or
   * after it the pod has not been ready since it started.
   */
  private static boolean cpuUnready(JsonObject status, PodMetric metric, Instant now) {
    Optional<JsonObject> condition = readyCondition(status);
    Optional<Instant> started = time(status.getString("startTime", ""));
    if (condition.isEmpty() || started.isEmpty()) {
      return true;
    }
    boolean notReady = condition.get().getString("status", "").equals("False");
    Instant transition = time(condition.get().getString("lastTransitionTime", ""))
        .orElse(started.get());
    if (started.get().plus(CPU_INITIALIZATION_PERIOD).isAfter(now)) {
      return notReady || metric.timestamp().isBefore(transition.plus(metric.window()));
    }
    return notReady && started.get().plus(INITIAL_READINESS_DELAY).isAfter(transition);
  }

  private static Optional<JsonObject> readyCondition(JsonObject status) {
    if (status.get("conditions") instanceof JsonArray conditions) {
      for (JsonValue value : conditions) {
        if (value instanceof JsonObject condition
            && condition.getString("type", "").equals("Ready")) {
          return Optional.of(condition);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * {@code calculatePodRequests}: each pod's requests of the resource over its containers (and
   * its restartable init containers), in thousandths of the unit.
   */
  static Map<String, Long> requests(List<JsonObject> pods, String resource)
      throws ReplicaCalculationException {
    return requests(pods, resource, "");
  }

  /** {@code calculatePodRequests} of the containers so named (all of them if the name is empty). */
  static Map<String, Long> requests(List<JsonObject> pods, String resource, String only)
      throws ReplicaCalculationException {
    Map<String, Long> requests = new HashMap<>();
    for (JsonObject pod : pods) {
      String name = object(pod, "metadata").getString("name", "");
      JsonObject spec = object(pod, "spec");
      List<JsonObject> containers = new ArrayList<>(objects(spec, "containers"));
      objects(spec, "initContainers").stream()
          .filter(c -> c.getString("restartPolicy", "").equals("Always"))
          .forEach(containers::add);
      long sum = 0;
      for (JsonObject container : containers) {
        if (!only.isEmpty() && !only.equals(container.getString("name", ""))) {
          continue;
        }
        JsonValue request = object(object(container, "resources"), "requests").get(resource);
        if (request == null) {
          throw new ReplicaCalculationException("missing request for " + resource
              + " in container " + container.getString("name", "") + " of Pod " + name);
        }
        sum += Quantity.of(request).map(Quantity::milliValue).orElse(0L);
      }
      requests.put(name, sum);
    }
    return requests;
  }

  private static List<JsonObject> objects(JsonObject object, String field) {
    List<JsonObject> result = new ArrayList<>();
    if (object.get(field) instanceof JsonArray array) {
      array.forEach(value -> {
        if (value instanceof JsonObject o) {
          result.add(o);
        }
      });
    }
    return result;
  }

  private static Optional<Instant> time(String text) {
    try {
      return text.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(text));
    } catch (java.time.format.DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
