package dev.capstan.api.table;

import dev.capstan.jsonp.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * The TARGETS column of {@code kubectl get hpa} ({@code formatHPAMetrics}): each metric as
 * {@code <name>: <current>/<target>}, the current value {@code <unknown>} until the autoscaler
 * has measured it, at most two metrics then {@code + N more...}.
 */
final class AutoscalerTargets {

  private static final int SHOWN = 2;

  private AutoscalerTargets() {}

  static String of(JsonObject hpa) {
    JsonArray specs = array(Fields.at(hpa, "spec.metrics"));
    JsonArray statuses = array(Fields.at(hpa, "status.currentMetrics"));
    if (specs.isEmpty()) {
      return "<none>";
    }
    List<String> shown = new ArrayList<>();
    int count = 0;
    for (int i = 0; i < specs.size() && shown.size() < SHOWN; i++) {
      JsonObject spec = specs.get(i) instanceof JsonObject o ? o : JsonValue.EMPTY_JSON_OBJECT;
      JsonObject status = i < statuses.size() && statuses.get(i) instanceof JsonObject o ? o
          : JsonValue.EMPTY_JSON_OBJECT;
      count++;
      shown.add(metric(spec, status));
    }
    String text = String.join(", ", shown);
    return specs.size() > count ? text + " + " + (specs.size() - count) + " more..." : text;
  }

  private static String metric(JsonObject spec, JsonObject status) {
    String type = spec.getString("type", "");
    String field = switch (type) {
      case "Resource" -> "resource";
      case "ContainerResource" -> "containerResource";
      case "Pods" -> "pods";
      case "Object" -> "object";
      case "External" -> "external";
      default -> "";
    };
    JsonObject source = Fields.object(spec, field);
    JsonObject target = Fields.object(source, "target");
    JsonObject current = Fields.object(Fields.object(status, field), "current");
    String name = type.equals("Resource") || type.equals("ContainerResource")
        ? source.getString("name", "") : Fields.string(source, "metric.name");
    String prefix = name.isEmpty() ? "" : name + ": ";
    if (target.get("averageUtilization") instanceof JsonNumber utilization) {
      String now = current.get("averageUtilization") instanceof JsonNumber value
          ? value + "%" : "<unknown>";
      return prefix + now + "/" + utilization + "%";
    }
    String kind = target.containsKey("averageValue") ? "averageValue" : "value";
    String now = current.containsKey(kind) ? Fields.string(current, kind) : "<unknown>";
    String wanted = target.containsKey(kind) ? Fields.string(target, kind) : "<auto>";
    return prefix + now + "/" + wanted + (type.equals("External") && kind.equals("averageValue")
        ? " (avg)" : "");
  }

  private static JsonArray array(JsonValue value) {
    return value instanceof JsonArray array ? array : Json.createArrayBuilder().build();
  }
}
