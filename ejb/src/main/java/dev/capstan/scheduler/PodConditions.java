package dev.capstan.scheduler;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.jsonp.Json;
import dev.capstan.store.ObjectMetadata;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/** The PodScheduled condition of a pod the scheduler could not place. */
final class PodConditions {

  private PodConditions() {}

  static JsonObject unschedulable(JsonObject pod, String message, Instant now) {
    JsonObject status = object(pod, "status");
    Optional<JsonObject> existing = objects(status, "conditions").stream()
        .filter(c -> "PodScheduled".equals(c.getString("type", ""))).findFirst();
    if (existing.isPresent() && "False".equals(existing.get().getString("status", ""))
        && message.equals(existing.get().getString("message", ""))) {
      return pod;
    }
    JsonArrayBuilder conditions = Json.createArrayBuilder();
    objects(status, "conditions").stream()
        .filter(c -> !"PodScheduled".equals(c.getString("type", "")))
        .forEach(conditions::add);
    conditions.add(Json.createObjectBuilder()
        .add("type", "PodScheduled").add("status", "False").add("reason", "Unschedulable")
        .add("message", message)
        .add("lastTransitionTime", ObjectMetadata.timestamp(now)));
    return Json.createObjectBuilder(pod)
        .add("status", Json.createObjectBuilder(status).add("conditions", conditions)).build();
  }

  /** Whether the scheduler has already found the pod unschedulable (PodScheduled False). */
  static boolean isUnschedulable(JsonObject pod) {
    return objects(object(pod, "status"), "conditions").stream()
        .anyMatch(c -> "PodScheduled".equals(c.getString("type", ""))
            && "False".equals(c.getString("status", ""))
            && "Unschedulable".equals(c.getString("reason", "")));
  }
}
