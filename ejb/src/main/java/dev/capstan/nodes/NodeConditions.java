package dev.capstan.nodes;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.jsonp.Json;
import dev.capstan.store.ObjectMetadata;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * The conditions of a node whose agent went silent, as Kubernetes' node lifecycle controller
 * writes them: Ready and the pressure conditions become {@code Unknown} with reason
 * {@code NodeStatusUnknown} ("Kubelet stopped posting node status."), or
 * {@code NodeStatusNeverUpdated} when the agent never wrote them; the agent's own conditions
 * replace them when it is back.
 */
public final class NodeConditions {

  static final List<String> TYPES = List.of("Ready", "MemoryPressure", "DiskPressure",
      "PIDPressure");
  static final String UNKNOWN_REASON = "NodeStatusUnknown";
  static final String UNKNOWN_MESSAGE = "Kubelet stopped posting node status.";

  private NodeConditions() {}

  /** The node with every condition Unknown; the same object when they are already. */
  public static JsonObject unknown(JsonObject node, Instant now) {
    JsonObject status = object(node, "status");
    List<JsonObject> conditions = objects(status, "conditions");
    boolean changed = false;
    JsonArrayBuilder result = Json.createArrayBuilder();
    String timestamp = ObjectMetadata.timestamp(now);
    for (JsonObject condition : conditions) {
      if (TYPES.contains(condition.getString("type", ""))
          && !"Unknown".equals(condition.getString("status", ""))) {
        result.add(Json.createObjectBuilder(condition).add("status", "Unknown")
            .add("reason", UNKNOWN_REASON).add("message", UNKNOWN_MESSAGE)
            .add("lastTransitionTime", timestamp));
        changed = true;
      } else {
        result.add(condition);
      }
    }
    for (String type : TYPES) {
      if (conditions.stream().noneMatch(c -> type.equals(c.getString("type", "")))) {
        result.add(Json.createObjectBuilder().add("type", type).add("status", "Unknown")
            .add("reason", "NodeStatusNeverUpdated")
            .add("message", "Kubelet never posted node status.")
            .add("lastHeartbeatTime", timestamp).add("lastTransitionTime", timestamp));
        changed = true;
      }
    }
    if (!changed) {
      return node;
    }
    return Json.createObjectBuilder(node).add("status",
        Json.createObjectBuilder(status).add("conditions", result)).build();
  }
}
