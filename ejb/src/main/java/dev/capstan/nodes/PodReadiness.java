package dev.capstan.nodes;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.jsonp.Json;
import dev.capstan.store.ObjectMetadata;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.time.Instant;

/**
 * The pods of a node that is not Ready are not ready either, as Kubernetes'
 * {@code MarkPodsNotReady} has it: their Ready condition turns False, so Services stop sending
 * them traffic and their controllers count them unavailable while they wait for eviction. The
 * node agent writes the truth again when it is back.
 */
public final class PodReadiness {

  private PodReadiness() {}

  /** Whether the pod's Ready condition is True. */
  public static boolean ready(JsonObject pod) {
    return objects(object(pod, "status"), "conditions").stream()
        .anyMatch(c -> "Ready".equals(c.getString("type", ""))
            && "True".equals(c.getString("status", "")));
  }

  /** The pod with its Ready condition False; the same object when it is not True. */
  public static JsonObject notReady(JsonObject pod, Instant now) {
    if (!ready(pod)) {
      return pod;
    }
    JsonObject status = object(pod, "status");
    JsonArrayBuilder conditions = Json.createArrayBuilder();
    for (JsonObject condition : objects(status, "conditions")) {
      conditions.add("Ready".equals(condition.getString("type", ""))
          ? Json.createObjectBuilder(condition).add("status", "False")
              .add("lastTransitionTime", ObjectMetadata.timestamp(now)).build()
          : condition);
    }
    return Json.createObjectBuilder(pod)
        .add("status", Json.createObjectBuilder(status).add("conditions", conditions)).build();
  }
}
