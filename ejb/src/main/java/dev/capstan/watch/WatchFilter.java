package dev.capstan.watch;

import dev.capstan.selection.FieldSelector;
import dev.capstan.selection.LabelSelector;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which changes a watch wants: one kind, optionally one namespace, and the objects its label and
 * field selectors select (judged on the object as the change left it).
 */
public record WatchFilter(String group, String kind, Optional<String> namespace,
    LabelSelector labels, FieldSelector fields) {

  public boolean matches(Change change) {
    return change.key().apiGroup().equals(group)
        && change.key().kind().equals(kind)
        && namespace.map(ns -> ns.equals(change.key().namespace())).orElse(true)
        && (labels.isEmpty() || labels.matches(labelsOf(change.object())))
        && (fields.isEmpty() || fields.matches(change.object()));
  }

  private static Map<String, String> labelsOf(JsonObject object) {
    Map<String, String> labels = new HashMap<>();
    if (object.get("metadata") instanceof JsonObject metadata
        && metadata.get("labels") instanceof JsonObject map) {
      map.forEach((key, value) -> {
        if (value instanceof JsonString string) {
          labels.put(key, string.getString());
        }
      });
    }
    return labels;
  }
}
