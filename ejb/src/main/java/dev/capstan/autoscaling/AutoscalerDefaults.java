package dev.capstan.autoscaling;

import dev.capstan.jsonp.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * autoscaling/v2's defaults ({@code SetDefaults_HorizontalPodAutoscaler}): {@code minReplicas}
 * 1; no metrics means CPU at 80% of the requests; a {@code behavior} that is given gets every
 * rule it leaves out from {@link ScalingRules#DEFAULT_SCALE_UP} and
 * {@link ScalingRules#DEFAULT_SCALE_DOWN} (one that is not given stays absent, and the
 * controller uses the defaults then).
 */
public final class AutoscalerDefaults {

  /** {@code DefaultCPUUtilization}. */
  public static final int CPU_UTILIZATION = 80;

  private AutoscalerDefaults() {}

  public static JsonObject spec(JsonObject spec) {
    JsonObjectBuilder result = Json.createObjectBuilder(spec);
    if (!spec.containsKey("minReplicas")) {
      result.add("minReplicas", 1);
    }
    if (!(spec.get("metrics") instanceof JsonArray metrics) || metrics.isEmpty()) {
      result.add("metrics", Json.createArrayBuilder().add(Json.createObjectBuilder()
          .add("type", "Resource").add("resource", Json.createObjectBuilder()
              .add("name", "cpu").add("target", Json.createObjectBuilder()
                  .add("type", "Utilization").add("averageUtilization", CPU_UTILIZATION)))));
    }
    if (spec.get("behavior") instanceof JsonObject behavior) {
      result.add("behavior", Json.createObjectBuilder(behavior)
          .add("scaleUp", rules(behavior.get("scaleUp"), ScalingRules.DEFAULT_SCALE_UP))
          .add("scaleDown", rules(behavior.get("scaleDown"), ScalingRules.DEFAULT_SCALE_DOWN)));
    }
    return result.build();
  }

  /** The given rules with what they leave out taken from the defaults. */
  private static JsonObject rules(Object given, ScalingRules defaults) {
    JsonObject rules = given instanceof JsonObject object ? object : JsonObject.EMPTY_JSON_OBJECT;
    JsonObject json = defaults.json();
    JsonObjectBuilder result = Json.createObjectBuilder(rules);
    for (String field : new String[] {"stabilizationWindowSeconds", "selectPolicy", "policies"}) {
      if (!rules.containsKey(field)) {
        result.add(field, json.get(field));
      }
    }
    return result.build();
  }
}
