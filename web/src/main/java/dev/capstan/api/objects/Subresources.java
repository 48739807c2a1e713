package dev.capstan.api.objects;

import dev.capstan.api.status.Statuses;
import dev.capstan.kinds.ResourceType;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.Optional;

/**
 * The {@code status} subresource rule: for kinds that have it, writes to the object keep its
 * status, and writes to {@code /status} change only the status (so users and controllers never
 * overwrite each other's half).
 */
final class Subresources {

  private Subresources() {}

  static JsonObject merge(ResourceType type, Optional<String> subresource, JsonObject current,
      JsonObject desired) {
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

  /** {@code base} with the status of {@code statusSource} (or none, if it has none). */
  private static JsonObject withStatusOf(JsonObject base, JsonObject statusSource) {
    JsonObjectBuilder result = Json.createObjectBuilder(base).remove("status");
    if (statusSource.containsKey("status")) {
      result.add("status", statusSource.get("status"));
    }
    return result.build();
  }
}
