package dev.capstan.kinds.conversion;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.jsonp.Json;
import dev.capstan.kinds.Conversions;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.Optional;

/**
 * autoscaling/v1 HorizontalPodAutoscaler to and from autoscaling/v2, as Kubernetes'
 * {@code pkg/apis/autoscaling/v1/conversion.go} converts it: v1's
 * {@code targetCPUUtilizationPercentage} is v2's Resource metric {@code cpu} with a Utilization
 * target, and {@code currentCPUUtilizationPercentage} that metric's current utilization. What v1
 * has no field for (other metrics, {@code behavior}, current metrics, conditions) travels in
 * Kubernetes' annotations, so an object read and written back in v1 loses nothing. (Kubernetes
 * writes the metric annotations in v2beta1's shape; these are v2's, read back the same way.)
 */
public final class HorizontalPodAutoscalerV1 implements Conversions.Conversion {

  public static final String METRICS = "autoscaling.alpha.kubernetes.io/metrics";
  public static final String CURRENT_METRICS = "autoscaling.alpha.kubernetes.io/current-metrics";
  public static final String CONDITIONS = "autoscaling.alpha.kubernetes.io/conditions";
  public static final String BEHAVIOR = "autoscaling.alpha.kubernetes.io/behavior";

  @Override
  public JsonObject toStored(JsonObject v1) {
    JsonObject metadata = object(v1, "metadata");
    JsonObject annotations = object(metadata, "annotations");
    JsonObject spec = object(v1, "spec");
    JsonObjectBuilder v2Spec = Json.createObjectBuilder();
    copy(spec, v2Spec, "scaleTargetRef", "minReplicas", "maxReplicas");
    JsonArrayBuilder metrics = Json.createArrayBuilder();
    if (spec.get("targetCPUUtilizationPercentage") instanceof JsonNumber cpu) {
      metrics.add(Json.createObjectBuilder().add("type", "Resource").add("resource",
          Json.createObjectBuilder().add("name", "cpu").add("target", Json.createObjectBuilder()
              .add("type", "Utilization").add("averageUtilization", cpu.intValue()))));
    }
    parsed(annotations, METRICS).filter(JsonArray.class::isInstance)
        .ifPresent(others -> ((JsonArray) others).forEach(metrics::add));
    JsonArray built = metrics.build();
    if (!built.isEmpty()) {
      v2Spec.add("metrics", built);
    }
    parsed(annotations, BEHAVIOR).ifPresent(behavior -> v2Spec.add("behavior", behavior));

    JsonObjectBuilder v2 = Json.createObjectBuilder(v1).add("apiVersion", "autoscaling/v2")
        .add("spec", v2Spec);
    JsonObjectBuilder keptAnnotations = Json.createObjectBuilder(annotations);
    for (String name : new String[] {METRICS, CURRENT_METRICS, CONDITIONS, BEHAVIOR}) {
      keptAnnotations.remove(name);
    }
    JsonObject kept = keptAnnotations.build();
    JsonObjectBuilder v2Metadata = Json.createObjectBuilder(metadata);
    if (kept.isEmpty()) {
      v2Metadata.remove("annotations");
    } else {
      v2Metadata.add("annotations", kept);
    }
    v2.add("metadata", v2Metadata);
    if (v1.get("status") instanceof JsonObject status) {
      JsonObjectBuilder v2Status = Json.createObjectBuilder();
      copy(status, v2Status, "observedGeneration", "lastScaleTime", "currentReplicas",
          "desiredReplicas");
      parsed(annotations, CURRENT_METRICS)
          .ifPresent(current -> v2Status.add("currentMetrics", current));
      parsed(annotations, CONDITIONS).ifPresent(conditions -> v2Status.add("conditions",
          conditions));
      if (!status.containsKey("desiredReplicas")) {
        v2Status.add("desiredReplicas", 0);
      }
      v2.add("status", v2Status);
    }
    return v2.build();
  }

  @Override
  public JsonObject toServed(JsonObject v2) {
    JsonObject metadata = object(v2, "metadata");
    JsonObject spec = object(v2, "spec");
    JsonObject status = object(v2, "status");
    JsonObjectBuilder annotations = Json.createObjectBuilder(object(metadata, "annotations"));
    boolean annotated = !object(metadata, "annotations").isEmpty();

    JsonObjectBuilder v1Spec = Json.createObjectBuilder();
    copy(spec, v1Spec, "scaleTargetRef", "minReplicas", "maxReplicas");
    JsonArrayBuilder others = Json.createArrayBuilder();
    int otherCount = 0;
    if (spec.get("metrics") instanceof JsonArray metrics) {
      for (JsonValue value : metrics) {
        Optional<Integer> cpu = cpuUtilization(value, "target");
        if (cpu.isPresent()) {
          v1Spec.add("targetCPUUtilizationPercentage", cpu.get());
        } else {
          others.add(value);
          otherCount++;
        }
      }
    }
    if (otherCount > 0) {
      annotations.add(METRICS, others.build().toString());
      annotated = true;
    }
    if (spec.get("behavior") instanceof JsonObject behavior) {
      annotations.add(BEHAVIOR, behavior.toString());
      annotated = true;
    }

    JsonObjectBuilder v1Status = Json.createObjectBuilder();
    copy(status, v1Status, "observedGeneration", "lastScaleTime");
    v1Status.add("currentReplicas", status.getInt("currentReplicas", 0))
        .add("desiredReplicas", status.getInt("desiredReplicas", 0));
    if (status.get("currentMetrics") instanceof JsonArray current && !current.isEmpty()) {
      for (JsonValue value : current) {
        cpuUtilization(value, "current").ifPresent(cpu ->
            v1Status.add("currentCPUUtilizationPercentage", cpu));
      }
      annotations.add(CURRENT_METRICS, current.toString());
      annotated = true;
    }
    if (status.get("conditions") instanceof JsonArray conditions && !conditions.isEmpty()) {
      annotations.add(CONDITIONS, conditions.toString());
      annotated = true;
    }

    JsonObjectBuilder v1Metadata = Json.createObjectBuilder(metadata);
    if (annotated) {
      v1Metadata.add("annotations", annotations);
    }
    return Json.createObjectBuilder(v2).add("apiVersion", "autoscaling/v1")
        .add("metadata", v1Metadata).add("spec", v1Spec).add("status", v1Status).build();
  }

  /** The average utilization of a Resource {@code cpu} metric's target or current value. */
  private static Optional<Integer> cpuUtilization(JsonValue metric, String field) {
    if (metric instanceof JsonObject m && "Resource".equals(m.getString("type", ""))
        && object(m, "resource").getString("name", "").equals("cpu")
        && object(object(m, "resource"), field).get("averageUtilization")
            instanceof JsonNumber utilization
        && (field.equals("current")
            || "Utilization".equals(object(object(m, "resource"), field).getString("type", "")))) {
      return Optional.of(utilization.intValue());
    }
    return Optional.empty();
  }

  private static Optional<JsonValue> parsed(JsonObject annotations, String name) {
    if (!(annotations.get(name) instanceof JsonString text)) {
      return Optional.empty();
    }
    try (var reader = Json.createReader(new StringReader(text.getString()))) {
      return Optional.of(reader.readValue());
    } catch (RuntimeException e) {
      return Optional.empty(); // not JSON: Kubernetes ignores such an annotation as well
    }
  }

  private static void copy(JsonObject from, JsonObjectBuilder to, String... fields) {
    for (String field : fields) {
      if (from.containsKey(field)) {
        to.add(field, from.get(field));
      }
    }
  }
}
