package dev.capstan.api.objects;

import dev.capstan.api.status.Statuses;
import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ScaleSubresource;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.Preconditions;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.Optional;

/**
 * The {@code scale} subresource: an {@code autoscaling/v1 Scale} view of a replicated object's
 * {@code spec.replicas}, as {@code kubectl scale} reads, patches and replaces it.
 */
final class Scales {

  private Scales() {}

  /** The Scale of an object. */
  static JsonObject of(ResourceType type, JsonObject object) {
    requireScalable(type);
    return ScaleSubresource.of(object);
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

  /**
   * The uid precondition a replaced object or Scale carries, as kube-apiserver takes it from a
   * PUT's body ({@code defaultUpdatedObjectInfo.Preconditions}); a Scale's resourceVersion is
   * checked by {@link #apply}.
   */
  static Preconditions preconditions(JsonObject scale) {
    String uid = ObjectMetadata.metadata(scale).getString("uid", "");
    return new Preconditions(uid.isEmpty() ? Optional.empty() : Optional.of(uid), Optional.empty());
  }

  private static JsonObject withoutResourceVersion(JsonObject object) {
    return Json.createObjectBuilder(object)
        .add("metadata", Json.createObjectBuilder(ObjectMetadata.metadata(object)).remove("resourceVersion"))
        .build();
  }

  private static void requireScalable(ResourceType type) {
    if (!ScaleSubresource.scalable(type)) {
      throw Statuses.notFoundPath();
    }
  }
}
