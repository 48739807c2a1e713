package dev.capstan.store;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * The server-owned part of an object's {@code metadata}: what the store stamps on every write,
 * whatever the client sent in those fields.
 *
 * @param namespace the namespace, or empty for cluster-scoped kinds (then no field is written)
 * @param uid assigned once, at creation
 * @param resourceVersion the cluster revision of this write
 * @param generation bumped when the spec changes
 * @param creationTimestamp set once, at creation
 */
public record ObjectMetadata(
    String namespace, UUID uid, long resourceVersion, long generation, Instant creationTimestamp) {

  /** Kubernetes writes timestamps in RFC 3339 with whole seconds, in UTC. */
  public static String timestamp(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  /** The body with apiVersion and kind set and this metadata merged over the client's. */
  public JsonObject stamp(JsonObject body, String apiVersion, String kind) {
    JsonObject clientMetadata = body.containsKey("metadata")
        && body.get("metadata").getValueType() == JsonValue.ValueType.OBJECT
        ? body.getJsonObject("metadata")
        : JsonValue.EMPTY_JSON_OBJECT;
    JsonObjectBuilder metadata = Json.createObjectBuilder(clientMetadata)
        .add("uid", uid.toString())
        .add("resourceVersion", Long.toString(resourceVersion))
        .add("generation", generation)
        .add("creationTimestamp", timestamp(creationTimestamp));
    if (!namespace.isEmpty()) {
      metadata.add("namespace", namespace);
    }
    return Json.createObjectBuilder(body)
        .add("apiVersion", apiVersion)
        .add("kind", kind)
        .add("metadata", metadata)
        .build();
  }

  /** The object's labels, or an empty object when it has none. */
  public static JsonObject labels(JsonObject body) {
    JsonObject metadata = body.getJsonObject("metadata");
    if (metadata == null || !(metadata.get("labels") instanceof JsonObject labels)) {
      return JsonValue.EMPTY_JSON_OBJECT;
    }
    return labels;
  }
}
