package dev.capstan.api.objects;

import dev.capstan.api.status.Statuses;
import dev.capstan.kinds.ResourceType;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.Preconditions;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The {@code scale} subresource: an {@code autoscaling/v1 Scale} view of a replicated object's
 * {@code spec.replicas}, as {@code kubectl scale} reads, patches and replaces it.
 */
final class Scales {

  private Scales() {}

  /** The Scale of an object. */
  static JsonObject of(ResourceType type, JsonObject object) {
    requireScalable(type);
    JsonObject metadata = ObjectMetadata.metadata(object);
    JsonObjectBuilder scaleMetadata = Json.createObjectBuilder();
    for (String field : new String[] {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
      if (metadata.containsKey(field)) {
        scaleMetadata.add(field, metadata.get(field));
      }
    }
    JsonObject spec = object.get("spec") instanceof JsonObject s ? s : JsonValue.EMPTY_JSON_OBJECT;
    JsonObject status = object.get("status") instanceof JsonObject s ? s : JsonValue.EMPTY_JSON_OBJECT;
    return Json.createObjectBuilder()
        .add("kind", "Scale")
        .add("apiVersion", "autoscaling/v1")
        .add("metadata", scaleMetadata)
        .add("spec", Json.createObjectBuilder().add("replicas", spec.getInt("replicas", 1)))
        .add("status", Json.createObjectBuilder()
            .add("replicas", status.getInt("replicas", 0))
            .add("selector", selector(spec)))
        .build();
  }

  /** The object with {@code spec.replicas} taken from a (replaced or patched) Scale. */
  static JsonObject apply(ResourceType type, JsonObject current, JsonObject scale) {
    requireScalable(type);
    if (!(scale.get("spec") instanceof JsonObject spec)
        || !(spec.get("replicas") instanceof JsonNumber replicas)) {
      throw Statuses.badRequest("the Scale must have spec.replicas");
    }
    if (replicas.intValue() < 0) {
      throw Statuses.invalid("Scale", ObjectMetadata.metadata(current).getString("name", ""),
          java.util.List.of(dev.capstan.validation.FieldError.invalid("spec.replicas",
              replicas.toString(), "must be greater than or equal to 0")));
    }
    JsonObject currentSpec = current.get("spec") instanceof JsonObject s ? s : JsonValue.EMPTY_JSON_OBJECT;
    JsonObject withReplicas = Json.createObjectBuilder(current)
        .add("spec", Json.createObjectBuilder(currentSpec).add("replicas", replicas.intValue()))
        .build();
    // A Scale that names a resourceVersion is a precondition on the object's.
    return ObjectMetadata.resourceVersion(scale)
        .map(version -> ObjectMetadata.withResourceVersion(withReplicas, version))
        .orElse(withoutResourceVersion(withReplicas));
  }

  /** The uid precondition a replaced Scale carries (its resourceVersion is checked by apply). */
  static Preconditions preconditions(JsonObject scale) {
    String uid = ObjectMetadata.metadata(scale).getString("uid", "");
    return new Preconditions(uid.isEmpty() ? Optional.empty() : Optional.of(uid), Optional.empty());
  }

  private static JsonObject withoutResourceVersion(JsonObject object) {
    return Json.createObjectBuilder(object)
        .add("metadata", Json.createObjectBuilder(ObjectMetadata.metadata(object)).remove("resourceVersion"))
        .build();
  }

  private static String selector(JsonObject spec) {
    if (!(spec.get("selector") instanceof JsonObject selector)) {
      return "";
    }
    // ReplicationController: a map; apps kinds: a LabelSelector with matchLabels.
    JsonObject labels = selector.get("matchLabels") instanceof JsonObject matchLabels
        ? matchLabels : selector.containsKey("matchExpressions") ? JsonValue.EMPTY_JSON_OBJECT : selector;
    Map<String, String> pairs = labels.entrySet().stream()
        .filter(entry -> entry.getValue() instanceof JsonString)
        .collect(Collectors.toMap(Map.Entry::getKey,
            entry -> ((JsonString) entry.getValue()).getString(), (a, b) -> a,
            java.util.TreeMap::new));
    return pairs.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }

  private static void requireScalable(ResourceType type) {
    if (!type.subresources().contains("scale")) {
      throw Statuses.notFoundPath();
    }
  }
}
