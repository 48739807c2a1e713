package dev.capstan.store;

import dev.capstan.jsonp.Json;
import dev.capstan.store.entity.ObjectKey;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The server-owned part of an object's {@code metadata}: what the store stamps on every write,
 * whatever the client sent in those fields.
 *
 * @param namespace the namespace, or empty for cluster-scoped kinds (then no field is written)
 * @param uid assigned once, at creation
 * @param resourceVersion the cluster revision of this write
 * @param generation bumped when the spec changes
 * @param creationTimestamp set once, at creation (RFC 3339, as stored)
 * @param deletion {@code deletionTimestamp} and {@code deletionGracePeriodSeconds} once a
 *     delete has marked the object, else empty
 */
public record ObjectMetadata(
    String namespace,
    String uid,
    long resourceVersion,
    long generation,
    String creationTimestamp,
    Optional<JsonObject> deletion) {

  private static final List<String> DELETION_FIELDS =
      List.of("deletionTimestamp", "deletionGracePeriodSeconds");

  /** The metadata of a new object. */
  public static ObjectMetadata created(String namespace, UUID uid, long revision, Instant now) {
    return new ObjectMetadata(namespace, uid.toString(), revision, 1, timestamp(now),
        Optional.empty());
  }

  /** The metadata of a changed object: what the server owns is taken from its current body. */
  public static ObjectMetadata kept(JsonObject current, String namespace, long revision,
      long generation) {
    JsonObject meta = metadata(current);
    JsonObjectBuilder deletion = Json.createObjectBuilder();
    DELETION_FIELDS.forEach(field -> {
      if (meta.containsKey(field)) {
        deletion.add(field, meta.get(field));
      }
    });
    JsonObject deletionFields = deletion.build();
    return new ObjectMetadata(namespace, meta.getString("uid", ""), revision, generation,
        meta.getString("creationTimestamp", ""),
        deletionFields.isEmpty() ? Optional.empty() : Optional.of(deletionFields));
  }

  /** Kubernetes writes timestamps in RFC 3339 with whole seconds, in UTC. */
  public static String timestamp(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  /** The body with apiVersion and kind set and this metadata merged over the client's. */
  public JsonObject stamp(JsonObject body, String apiVersion, String kind) {
    JsonObjectBuilder metadata = Json.createObjectBuilder(metadata(body));
    DELETION_FIELDS.forEach(metadata::remove);
    metadata.add("uid", uid)
        .add("resourceVersion", Long.toString(resourceVersion))
        .add("generation", generation)
        .add("creationTimestamp", creationTimestamp);
    deletion.ifPresent(fields -> fields.forEach(metadata::add));
    if (namespace.isEmpty()) {
      metadata.remove("namespace");
    } else {
      metadata.add("namespace", namespace);
    }
    return Json.createObjectBuilder(body)
        .add("apiVersion", apiVersion)
        .add("kind", kind)
        .add("metadata", metadata)
        .build();
  }

  /**
   * An object reduced to its identity, for what is known of an object whose body cannot be read:
   * apiVersion, kind, name, namespace, uid and a resourceVersion.
   */
  public static JsonObject identity(ObjectKey key, String apiVersion, UUID uid, long revision) {
    JsonObjectBuilder metadata = Json.createObjectBuilder().add("name", key.name());
    if (!key.namespace().isEmpty()) {
      metadata.add("namespace", key.namespace());
    }
    return Json.createObjectBuilder()
        .add("apiVersion", apiVersion)
        .add("kind", key.kind())
        .add("metadata", metadata.add("uid", uid.toString())
            .add("resourceVersion", Long.toString(revision)))
        .build();
  }

  /** The body's metadata, or an empty object. */
  public static JsonObject metadata(JsonObject body) {
    return body.get("metadata") instanceof JsonObject meta ? meta : JsonValue.EMPTY_JSON_OBJECT;
  }

  /** The object's labels, or an empty object when it has none. */
  public static JsonObject labels(JsonObject body) {
    return metadata(body).get("labels") instanceof JsonObject labels
        ? labels : JsonValue.EMPTY_JSON_OBJECT;
  }

  /**
   * The resourceVersion a client sent, if any.
   *
   * @throws IllegalArgumentException if it is not a revision number
   */
  public static Optional<Long> resourceVersion(JsonObject body) {
    if (!(metadata(body).get("resourceVersion") instanceof JsonString version)
        || version.getString().isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(version.getString()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid resourceVersion \"" + version.getString() + "\"");
    }
  }

  /** Whether anything outside metadata and status differs: what bumps {@code generation}. */
  public static boolean specChanged(JsonObject before, JsonObject after) {
    return !Objects.equals(withoutMetadataAndStatus(before), withoutMetadataAndStatus(after));
  }

  public static boolean isDeleting(JsonObject body) {
    return metadata(body).containsKey("deletionTimestamp");
  }

  public static List<String> finalizers(JsonObject body) {
    if (!(metadata(body).get("finalizers") instanceof JsonArray finalizers)) {
      return List.of();
    }
    return finalizers.getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
  }

  /** The grace period a graceful deletion gave the object, if it is being deleted. */
  public static Optional<Long> deletionGracePeriod(JsonObject body) {
    return metadata(body).get("deletionGracePeriodSeconds") instanceof JsonNumber seconds
        ? Optional.of(seconds.longValue()) : Optional.empty();
  }

  /**
   * The body marked for deletion {@code graceSeconds} after {@code now} (the moment its runner
   * should have stopped it), at the given revision.
   */
  public static JsonObject markDeleting(JsonObject body, long revision, Instant now,
      long graceSeconds) {
    JsonObjectBuilder metadata = Json.createObjectBuilder(metadata(body))
        .add("deletionTimestamp", timestamp(now.plusSeconds(graceSeconds)))
        .add("deletionGracePeriodSeconds", graceSeconds)
        .add("resourceVersion", Long.toString(revision));
    return Json.createObjectBuilder(body).add("metadata", metadata).build();
  }

  /** The body with only its resourceVersion changed: how a deleted object is last reported. */
  public static JsonObject withResourceVersion(JsonObject body, long revision) {
    JsonObjectBuilder metadata = Json.createObjectBuilder(metadata(body))
        .add("resourceVersion", Long.toString(revision));
    return Json.createObjectBuilder(body).add("metadata", metadata).build();
  }

  private static JsonObject withoutMetadataAndStatus(JsonObject body) {
    return Json.createObjectBuilder(body).remove("metadata").remove("status")
        .remove("apiVersion").remove("kind").build();
  }
}
