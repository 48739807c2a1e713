package dev.capstan.admission;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.kinds.ResourceType;
import jakarta.json.Json;
import jakarta.json.JsonObject;

/**
 * The status a new object starts with. For kinds whose status is written through the
 * {@code status} subresource, whatever status a client sends on create is dropped, as Kubernetes
 * does: pods start {@code Pending} with their QoS class, the rest with an empty status for their
 * controllers to fill. Nodes keep theirs (their agent registers them with it); namespaces get the
 * phase defaulting gives them.
 */
public final class InitialStatus {

  private InitialStatus() {}

  public static JsonObject apply(ResourceType type, JsonObject object) {
    if (!type.subresources().contains("status")) {
      return object;
    }
    String key = type.group().isEmpty() ? type.kind() : type.kind() + "." + type.group();
    return switch (key) {
      case "Node", "Namespace" -> object;
      case "Pod" -> Json.createObjectBuilder(object).add("status", Json.createObjectBuilder()
          .add("phase", "Pending")
          .add("qosClass", QosClass.of(object(object, "spec")))).build();
      default -> Json.createObjectBuilder(object).add("status", JsonObject.EMPTY_JSON_OBJECT).build();
    };
  }
}
