package dev.capstan.autoscaling;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.jsonp.Json;
import dev.capstan.resources.Quantity;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The replica count an autoscaler's metrics ask for ({@code computeReplicasForMetrics}): each
 * metric's proposal, the largest winning; a metric that cannot be computed gets an empty status
 * ({@code {"type":""}}, which kubectl prints as {@code <unknown>}), a Warning event and, if it
 * is the first, the condition; when every metric failed, or some failed and the others would
 * scale down, there is no count at all (Kubernetes never scales down on partial information).
 *
 * <p>Resource metrics (cpu, memory; Utilization of the requests or AverageValue), of whole pods
 * or of one container in each (ContainerResource), are computed from the resource metrics API; the other metric types need a custom or external metrics API,
 * which Capstan does not serve, and fail as they fail in Kubernetes without one.
 */
public final class MetricsReplicas {

  /** Where a failing metric's Warning event goes: reason and message. */
  @FunctionalInterface
  public interface Warnings {
    void warn(String reason, String message);
  }

  /**
   * The outcome.
   *
   * @param replicas the count asked for, or -1 when none could be computed
   * @param metric the name of the metric that asked for it, for the rescale's reason
   * @param statuses {@code status.currentMetrics}, one per metric
   * @param error the first failure, as {@code invalid metrics (n invalid out of m), first error
   *     is: ...}
   */
  public record Result(int replicas, String metric, JsonArray statuses, Optional<String> error) {}

  private MetricsReplicas() {}

  public static Result compute(List<JsonValue> specs, int specReplicas, List<JsonObject> pods,
      Supplier<List<JsonObject>> podMetrics, Instant now, AutoscalerConditions conditions,
      Warnings warnings) {
    List<JsonObject> statuses = new ArrayList<>();
    int replicas = 0;
    String metric = "";
    int invalid = 0;
    String firstError = null;
    String[] firstCondition = null;
    List<JsonObject> fetched = null;
    for (JsonValue value : specs) {
      JsonObject spec = value instanceof JsonObject o ? o : JsonValue.EMPTY_JSON_OBJECT;
      String type = spec.getString("type", "");
      try {
        if (!type.equals("Resource") && !type.equals("ContainerResource")) {
          throw new Failure(unsupportedReason(type), new ReplicaCalculationException(
              "unable to get metric for " + type + " metric source: the custom and external"
                  + " metrics APIs are not served by this cluster"));
        }
        if (fetched == null) {
          fetched = podMetrics.get();
        }
        Proposal proposal = type.equals("Resource")
            ? resource(object(spec, "resource"), "", specReplicas, pods, fetched, now)
            : resource(object(spec, "containerResource"),
                object(spec, "containerResource").getString("container", ""), specReplicas, pods,
                fetched, now);
        statuses.add(proposal.status());
        if (replicas == 0 || proposal.replicas() > replicas) {
          replicas = proposal.replicas();
          metric = proposal.name();
        }
      } catch (Failure failure) {
        statuses.add(Json.createObjectBuilder().add("type", "").build());
        warnings.warn(failure.reason, failure.getMessage());
        if (invalid == 0) {
          firstError = failure.error;
          firstCondition = new String[] {failure.reason,
              "the HPA was unable to compute the replica count: " + failure.getMessage()};
        }
        invalid++;
      }
    }
    JsonArray statusArray = Json.createArrayBuilder(statuses).build();
    Optional<String> error = invalid == 0 ? Optional.empty() : Optional.of("invalid metrics ("
        + invalid + " invalid out of " + specs.size() + "), first error is: " + firstError);
    if (invalid >= specs.size() || (invalid > 0 && replicas < specReplicas)) {
      conditions.set(AutoscalerConditions.SCALING_ACTIVE, "False", firstCondition[0],
          firstCondition[1]);
      return new Result(-1, "", statusArray, error);
    }
    conditions.set(AutoscalerConditions.SCALING_ACTIVE, "True", "ValidMetricFound",
        "the HPA was able to successfully calculate a replica count from " + metric);
    return new Result(replicas, metric, statusArray, error);
  }

  private record Proposal(int replicas, String name, JsonObject status) {}

  /** A metric that could not be computed: the condition's reason and the chain of errors. */
  private static final class Failure extends Exception {
    private final String reason;
    private final String error;

    Failure(String reason, ReplicaCalculationException cause) {
      super(cause.getMessage());
      this.reason = reason;
      this.error = cause.getMessage();
    }

    Failure(String reason, String message, String error) {
      super(message);
      this.reason = reason;
      this.error = error;
    }
  }

  /**
   * {@code computeStatusForResourceMetric} (whole pods, {@code container} empty) and {@code
   * computeStatusForContainerResourceMetric} (one container of each pod).
   */
  private static Proposal resource(JsonObject source, String container, int specReplicas,
      List<JsonObject> pods, List<JsonObject> fetched, Instant now) throws Failure {
    String resource = source.getString("name", "");
    boolean whole = container.isEmpty();
    JsonObject target = object(source, "target");
    try {
      if (target.containsKey("averageValue")) {
        long targetAverage = Quantity.of(target.get("averageValue"))
            .map(Quantity::milliValue).orElse(0L);
        try {
          ReplicaCalculator.ValueProposal proposal = ReplicaCalculator.averageValue(specReplicas,
              Math.max(1, targetAverage), resource, pods, metrics(fetched, resource, container),
              now);
          return new Proposal(proposal.replicas(), resource + " resource", status(resource,
              container, Json.createObjectBuilder().add("averageValue",
                  milli(proposal.average()))));
        } catch (ReplicaCalculationException e) {
          throw e.within("failed to get " + resource + " usage");
        }
      }
      if (!(target.get("averageUtilization") instanceof jakarta.json.JsonNumber utilization)) {
        throw new ReplicaCalculationException("invalid resource metric source: neither an"
            + " average utilization target nor an average value (usage) target was set");
      }
      try {
        ReplicaCalculator.UtilizationProposal proposal = ReplicaCalculator.utilization(
            specReplicas, utilization.intValue(), resource, container, pods,
            metrics(fetched, resource, container), now);
        return new Proposal(proposal.replicas(), resource
            + (whole ? " resource" : " container resource")
            + " utilization (percentage of request)", status(resource, container,
                Json.createObjectBuilder().add("averageValue", milli(proposal.rawAverage()))
                    .add("averageUtilization", proposal.utilization())));
      } catch (ReplicaCalculationException e) {
        throw e.within("failed to get " + resource + " utilization");
      }
    } catch (ReplicaCalculationException e) {
      // as computeReplicasForMetrics words it: the resource's name, or the container's
      throw whole
          ? new Failure("FailedGetResourceMetric", e.getMessage(),
              "failed to get " + resource + " resource metric value: " + e.getMessage())
          : new Failure("FailedGetContainerResourceMetric", e.getMessage(),
              "failed to get " + container + " container metric value: " + e.getMessage());
    }
  }

  /**
   * {@code GetResourceMetric}: the pods' metrics of one resource, summed over their containers
   * or of the one container named.
   */
  private static Map<String, PodMetric> metrics(List<JsonObject> fetched, String resource,
      String container) throws ReplicaCalculationException {
    try {
      return container.isEmpty() ? PodMetric.of(fetched, resource)
          : PodMetric.ofContainer(fetched, resource, container);
    } catch (ReplicaCalculationException e) {
      throw e.within("unable to get metrics for resource " + resource);
    }
  }

  private static JsonObject status(String resource, String container,
      JsonObjectBuilder current) {
    if (container.isEmpty()) {
      return Json.createObjectBuilder().add("type", "Resource").add("resource",
          Json.createObjectBuilder().add("name", resource).add("current", current)).build();
    }
    return Json.createObjectBuilder().add("type", "ContainerResource").add("containerResource",
        Json.createObjectBuilder().add("name", resource).add("container", container)
            .add("current", current)).build();
  }

  /** A value in thousandths of its unit as Kubernetes prints it ({@code 250m}, {@code 64Mi}...). */
  static String milli(long milliValue) {
    return new Quantity(BigDecimal.valueOf(milliValue, 3), Quantity.Format.DECIMAL_SI)
        .toString();
  }

  private static String unsupportedReason(String type) {
    return switch (type) {
      case "Pods" -> "FailedGetPodsMetric";
      case "Object" -> "FailedGetObjectMetric";
      case "External" -> "FailedGetExternalMetric";
      case "ContainerResource" -> "FailedGetContainerResourceMetric";
      default -> "InvalidMetricSourceType";
    };
  }
}
