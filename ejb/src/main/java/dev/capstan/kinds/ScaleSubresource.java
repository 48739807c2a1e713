package dev.capstan.kinds;

import dev.capstan.jsonp.Json;
import dev.capstan.store.ObjectMetadata;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The {@code autoscaling/v1 Scale} view of a replicated object (its {@code scale} subresource):
 * {@code spec.replicas}, {@code status.replicas} and the pods' selector as a string. The API
 * serves it, and the horizontal pod autoscaler reads its targets through it, as Kubernetes'
 * autoscaler reads any kind through {@code /scale}.
 */
public final class ScaleSubresource {

  private ScaleSubresource() {}

  /** Whether objects of this kind have a {@code scale} subresource. */
  public static boolean scalable(ResourceType type) {
    return type.subresources().contains("scale");
  }

  /** The Scale of an object of a scalable kind. */
  public static JsonObject of(JsonObject object) {
    JsonObject metadata = ObjectMetadata.metadata(object);
    JsonObjectBuilder scaleMetadata = Json.createObjectBuilder();
    for (String field : new String[] {"name", "namespace", "uid", "resourceVersion",
        "creationTimestamp"}) {
      if (metadata.containsKey(field)) {
        scaleMetadata.add(field, metadata.get(field));
      }
    }
    JsonObject spec = object.get("spec") instanceof JsonObject s ? s : JsonValue.EMPTY_JSON_OBJECT;
    JsonObject status = object.get("status") instanceof JsonObject s ? s
        : JsonValue.EMPTY_JSON_OBJECT;
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

  private static String selector(JsonObject spec) {
    if (!(spec.get("selector") instanceof JsonObject selector)) {
      return "";
    }
    // ReplicationController: a map; apps kinds: a LabelSelector with matchLabels.
    JsonObject labels = selector.get("matchLabels") instanceof JsonObject matchLabels
        ? matchLabels : selector.containsKey("matchExpressions") ? JsonValue.EMPTY_JSON_OBJECT
            : selector;
    Map<String, String> pairs = labels.entrySet().stream()
        .filter(entry -> entry.getValue() instanceof JsonString)
        .collect(Collectors.toMap(Map.Entry::getKey,
            entry -> ((JsonString) entry.getValue()).getString(), (a, b) -> a,
            java.util.TreeMap::new));
    return pairs.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }
}
