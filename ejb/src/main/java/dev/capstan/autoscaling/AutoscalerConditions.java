package dev.capstan.autoscaling;

import dev.capstan.jsonp.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * An autoscaler's {@code status.conditions} while one sync sets them ({@code setCondition}):
 * in the order first set, each keeping its {@code lastTransitionTime} unless its status
 * changes.
 */
public final class AutoscalerConditions {

  /** {@code AbleToScale}, {@code ScalingActive}, {@code ScalingLimited}. */
  public static final String ABLE_TO_SCALE = "AbleToScale";
  public static final String SCALING_ACTIVE = "ScalingActive";
  public static final String SCALING_LIMITED = "ScalingLimited";

  private final List<JsonObject> conditions = new ArrayList<>();
  private final String now;

  public AutoscalerConditions(JsonObject status, Instant now) {
    this.now = now.truncatedTo(ChronoUnit.SECONDS).toString();
    if (status.get("conditions") instanceof JsonArray array) {
      for (JsonValue value : array) {
        if (value instanceof JsonObject condition) {
          conditions.add(condition);
        }
      }
    }
  }

  public void set(String type, String status, String reason, String message) {
    for (int i = 0; i < conditions.size(); i++) {
      JsonObject existing = conditions.get(i);
      if (existing.getString("type", "").equals(type)) {
        String transition = existing.getString("status", "").equals(status)
            ? existing.getString("lastTransitionTime", now) : now;
        conditions.set(i, condition(type, status, transition, reason, message));
        return;
      }
    }
    conditions.add(condition(type, status, now, reason, message));
  }

  public void set(String type, ScaleHistory.Condition condition) {
    set(type, condition.status(), condition.reason(), condition.message());
  }

  public JsonArray json() {
    JsonArrayBuilder array = Json.createArrayBuilder();
    conditions.forEach(array::add);
    return array.build();
  }

  private static JsonObject condition(String type, String status, String transition,
      String reason, String message) {
    return Json.createObjectBuilder().add("type", type).add("status", status)
        .add("lastTransitionTime", transition).add("reason", reason).add("message", message)
        .build();
  }
}
