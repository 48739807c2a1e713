package dev.capstan.autoscaling;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.validation.FieldError;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.List;

/**
 * autoscaling/v2 spec validation in kube-apiserver's words
 * ({@code ValidateHorizontalPodAutoscalerSpec}): replica bounds, the target reference, the
 * resource metrics' targets and the behavior's policies.
 */
public final class AutoscalerValidation {

  private static final List<String> METRIC_TYPES =
      List.of("ContainerResource", "External", "Object", "Pods", "Resource");
  private static final List<String> TARGET_TYPES = List.of("AverageValue", "Utilization", "Value");
  private static final List<String> SELECT_POLICIES = List.of("Disabled", "Max", "Min");
  private static final List<String> POLICY_TYPES = List.of("Percent", "Pods");

  private AutoscalerValidation() {}

  public static void spec(JsonObject spec, List<FieldError> errors) {
    int max = spec.getInt("maxReplicas", 0);
    if (spec.get("minReplicas") instanceof JsonNumber min && min.intValue() < 1) {
      errors.add(FieldError.invalid("spec.minReplicas", min.longValue(),
          "must be greater than or equal to 1"));
    }
    if (max < 1) {
      errors.add(FieldError.invalid("spec.maxReplicas", max,
          "must be greater than 0"));
    }
    if (spec.get("minReplicas") instanceof JsonNumber min && max < min.intValue()) {
      errors.add(FieldError.invalid("spec.maxReplicas", max,
          "must be greater than or equal to `minReplicas`"));
    }
    JsonObject ref = object(spec, "scaleTargetRef");
    if (ref.getString("kind", "").isEmpty()) {
      errors.add(FieldError.required("spec.scaleTargetRef.kind"));
    }
    if (ref.getString("name", "").isEmpty()) {
      errors.add(FieldError.required("spec.scaleTargetRef.name"));
    }
    if (spec.get("metrics") instanceof JsonArray metrics) {
      for (int i = 0; i < metrics.size(); i++) {
        if (metrics.get(i) instanceof JsonObject metric) {
          metric(metric, "spec.metrics[" + i + "]", errors);
        }
      }
    }
    if (spec.get("behavior") instanceof JsonObject behavior) {
      rules(object(behavior, "scaleUp"), "spec.behavior.scaleUp", errors);
      rules(object(behavior, "scaleDown"), "spec.behavior.scaleDown", errors);
    }
  }

  private static void metric(JsonObject metric, String path, List<FieldError> errors) {
    String type = metric.getString("type", "");
    if (type.isEmpty()) {
      errors.add(FieldError.required(path + ".type", "must specify a metric source type"));
      return;
    }
    if (!METRIC_TYPES.contains(type)) {
      errors.add(FieldError.notSupported(path + ".type", type, METRIC_TYPES));
      return;
    }
    if (!type.equals("Resource") && !type.equals("ContainerResource")) {
      return;
    }
    String field = type.equals("Resource") ? "resource" : "containerResource";
    JsonObject source = object(metric, field);
    if (!(metric.get(field) instanceof JsonObject)) {
      errors.add(FieldError.required(path + "." + field,
          "must populate information for the given metric source"));
      return;
    }
    if (source.getString("name", "").isEmpty()) {
      errors.add(FieldError.required(path + "." + field + ".name",
          "must specify a resource name"));
    }
    JsonObject target = object(source, "target");
    String targetPath = path + "." + field + ".target";
    String targetType = target.getString("type", "");
    if (targetType.isEmpty()) {
      errors.add(FieldError.required(targetPath + ".type", "must specify a metric target type"));
    } else if (!TARGET_TYPES.contains(targetType)) {
      errors.add(FieldError.notSupported(targetPath + ".type", targetType, TARGET_TYPES));
    }
    if (target.get("averageUtilization") instanceof JsonNumber utilization
        && utilization.intValue() < 1) {
      errors.add(FieldError.invalid(targetPath + ".averageUtilization", utilization.longValue(),
          "must be greater than 0"));
    }
    if (targetType.equals("Utilization") && !target.containsKey("averageUtilization")) {
      errors.add(FieldError.required(targetPath + ".averageUtilization",
          "must set either a target raw value or a target utilization"));
    }
    if (targetType.equals("AverageValue") && !target.containsKey("averageValue")) {
      errors.add(FieldError.required(targetPath + ".averageValue",
          "must set either a target raw value or a target utilization"));
    }
  }

  private static void rules(JsonObject rules, String path, List<FieldError> errors) {
    if (rules.get("stabilizationWindowSeconds") instanceof JsonNumber window
        && (window.intValue() < 0 || window.intValue() > 3600)) {
      errors.add(FieldError.invalid(path + ".stabilizationWindowSeconds", window.longValue(),
          window.intValue() < 0 ? "must be greater than or equal to zero"
              : "must be less than or equal to 3600"));
    }
    String select = rules.getString("selectPolicy", "Max");
    if (!SELECT_POLICIES.contains(select)) {
      errors.add(FieldError.notSupported(path + ".selectPolicy", select, SELECT_POLICIES));
    }
    if (rules.get("policies") instanceof JsonArray policies) {
      if (policies.isEmpty() && rules.containsKey("policies")) {
        errors.add(FieldError.required(path + ".policies",
            "must specify at least one Policy"));
      }
      for (int i = 0; i < policies.size(); i++) {
        JsonObject policy = policies.get(i) instanceof JsonObject o ? o
            : JsonValue.EMPTY_JSON_OBJECT;
        String at = path + ".policies[" + i + "]";
        String type = policy.getString("type", "");
        if (!POLICY_TYPES.contains(type)) {
          errors.add(FieldError.notSupported(at + ".type", type, POLICY_TYPES));
        }
        if (policy.getInt("value", 0) <= 0) {
          errors.add(FieldError.invalid(at + ".value", policy.getInt("value", 0),
              "must be greater than zero"));
        }
        int period = policy.getInt("periodSeconds", 0);
        if (period <= 0 || period > 1800) {
          errors.add(FieldError.invalid(at + ".periodSeconds", period,
              period <= 0 ? "must be greater than zero" : "must be less than or equal to 1800"));
        }
      }
    }
  }
}
