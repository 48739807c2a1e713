package dev.capstan.api.objects;

import dev.capstan.api.status.Statuses;
import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceType;
import dev.capstan.validation.EphemeralContainerRules;
import dev.capstan.validation.FieldError;
import dev.capstan.validation.ObjectValidation;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.List;
import java.util.Optional;

/**
 * The {@code status} subresource rule: for kinds that have it, writes to the object keep its
 * status, and writes to {@code /status} change only the status (so users and controllers never
 * overwrite each other's half). {@code pods/ephemeralcontainers} likewise changes only the
 * pod's ephemeral containers.
 */
final class Subresources {

  private Subresources() {}

  static JsonObject merge(ResourceType type, Optional<String> subresource, JsonObject current,
      JsonObject desired) {
    if (subresource.isPresent() && subresource.get().equals("ephemeralcontainers")
        && type.subresources().contains("ephemeralcontainers")) {
      return withEphemeralContainersOf(current, desired);
    }
    if (subresource.isPresent()) {
      if (!subresource.get().equals("status") || !type.subresources().contains("status")) {
        throw Statuses.notFoundPath();
      }
      return withStatusOf(current, desired);
    }
    if (type.subresources().contains("status")) {
      return withStatusOf(desired, current);
    }
    return desired;
  }

  /**
   * {@code pods/ephemeralcontainers}: the stored pod with only its ephemeral containers taken
   * from the request, which may only add some (see {@link EphemeralContainerRules}).
   */
  private static JsonObject withEphemeralContainersOf(JsonObject current, JsonObject desired) {
    JsonObject spec = current.getJsonObject("spec");
    JsonObjectBuilder newSpec = Json.createObjectBuilder(spec).remove("ephemeralContainers");
    if (desired.get("spec") instanceof JsonObject desiredSpec
        && desiredSpec.get("ephemeralContainers") instanceof JsonArray containers
        && !containers.isEmpty()) {
      newSpec.add("ephemeralContainers", containers);
    }
    JsonObject updated = Json.createObjectBuilder(current).add("spec", newSpec).build();
    List<FieldError> errors = EphemeralContainerRules.validateUpdate(current, updated);
    if (!errors.isEmpty()) {
      throw Statuses.invalid("Pod", ObjectValidation.nameOf(current), errors);
    }
    return updated;
  }

  /** {@code base} with the status of {@code statusSource} (or none, if it has none). */
  private static JsonObject withStatusOf(JsonObject base, JsonObject statusSource) {
    JsonObjectBuilder result = Json.createObjectBuilder(base).remove("status");
    if (statusSource.containsKey("status")) {
      result.add("status", statusSource.get("status"));
    }
    return result.build();
  }
}
