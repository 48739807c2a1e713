package dev.capstan.autoscaling;

import dev.capstan.jsonp.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * One direction of an autoscaler's {@code behavior} ({@code HPAScalingRules}): how long
 * recommendations are remembered to stabilise the size, and how fast it may change per period.
 *
 * @param stabilizationWindowSeconds recommendations within this many seconds are considered
 * @param selectPolicy {@code Max} (the policy allowing the largest change), {@code Min} or
 *     {@code Disabled}
 * @param policies at most {@code value} pods or percent per {@code periodSeconds}
 */
public record ScalingRules(int stabilizationWindowSeconds, String selectPolicy,
    List<Policy> policies) {

  /** {@code Pods} or {@code Percent} per period. */
  public record Policy(String type, int value, int periodSeconds) {}

  /** Kubernetes' default scale-up: no window, at most 4 pods or 100% per 15 s, the larger. */
  public static final ScalingRules DEFAULT_SCALE_UP = new ScalingRules(0, "Max",
      List.of(new Policy("Pods", 4, 15), new Policy("Percent", 100, 15)));
  /** Kubernetes' default scale-down: a 300 s window, then down to any size at once. */
  public static final ScalingRules DEFAULT_SCALE_DOWN = new ScalingRules(300, "Max",
      List.of(new Policy("Percent", 100, 15)));

  /** The rules of one direction of an autoscaler's spec, its defaults filled in. */
  public static ScalingRules of(JsonObject spec, boolean up) {
    ScalingRules defaults = up ? DEFAULT_SCALE_UP : DEFAULT_SCALE_DOWN;
    if (!(spec.get("behavior") instanceof JsonObject behavior)
        || !(behavior.get(up ? "scaleUp" : "scaleDown") instanceof JsonObject rules)) {
      return defaults;
    }
    int window = rules.get("stabilizationWindowSeconds") instanceof JsonNumber number
        ? number.intValue() : defaults.stabilizationWindowSeconds();
    String select = rules.getString("selectPolicy", defaults.selectPolicy());
    List<Policy> policies = defaults.policies();
    if (rules.get("policies") instanceof JsonArray array) {
      policies = new ArrayList<>();
      for (JsonValue value : array) {
        if (value instanceof JsonObject policy) {
          policies.add(new Policy(policy.getString("type", ""), policy.getInt("value", 0),
              policy.getInt("periodSeconds", 0)));
        }
      }
    }
    return new ScalingRules(window, select, policies);
  }

  /** The rules as the API writes them. */
  public JsonObject json() {
    JsonArrayBuilder list = Json.createArrayBuilder();
    policies.forEach(policy -> list.add(Json.createObjectBuilder().add("type", policy.type())
        .add("value", policy.value()).add("periodSeconds", policy.periodSeconds())));
    return Json.createObjectBuilder().add("stabilizationWindowSeconds", stabilizationWindowSeconds)
        .add("selectPolicy", selectPolicy).add("policies", list).build();
  }

  /** The longest period of these policies: scale events older than that no longer count. */
  int longestPeriodSeconds() {
    return policies.stream().mapToInt(Policy::periodSeconds).max().orElse(0);
  }
}
