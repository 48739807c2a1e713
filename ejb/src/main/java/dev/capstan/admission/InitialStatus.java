package dev.capstan.admission;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceType;
import jakarta.json.JsonObject;
import java.util.Map;

/**
 * The status a new object starts with. For kinds whose status is written through the
 * {@code status} subresource, whatever status a client sends on create is dropped, as Kubernetes
 * does: pods start {@code Pending} with their QoS class, the rest with an empty status for their
 * controllers to fill. Nodes keep theirs (their agent registers them with it); namespaces get the
 * phase defaulting gives them.
 */
public final class InitialStatus {

  /**
   * The empty status as Go writes it where its type has fields without {@code omitempty}: a
   * service's {@code loadBalancer} struct, replica counts and a budget's counters are written
   * even when zero.
   */
  private static final Map<String, JsonObject> EMPTY = Map.of(
      "Service", Json.createObjectBuilder()
          .add("loadBalancer", JsonObject.EMPTY_JSON_OBJECT).build(),
      "ReplicationController", Json.createObjectBuilder().add("replicas", 0).build(),
      "ReplicaSet.apps", Json.createObjectBuilder().add("replicas", 0).build(),
      "DaemonSet.apps", Json.createObjectBuilder().add("currentNumberScheduled", 0)
          .add("numberMisscheduled", 0).add("desiredNumberScheduled", 0).add("numberReady", 0)
          .build(),
      // autoscaling/v2's currentReplicas is omitempty, desiredReplicas is not
      "HorizontalPodAutoscaler.autoscaling", Json.createObjectBuilder().add("desiredReplicas", 0)
          .build(),
      "StatefulSet.apps", Json.createObjectBuilder().add("replicas", 0)
          .add("availableReplicas", 0).build(),
      "PersistentVolume", Json.createObjectBuilder().add("phase", "Pending").build(),
      "PersistentVolumeClaim", Json.createObjectBuilder().add("phase", "Pending").build(),
      "PodDisruptionBudget.policy", Json.createObjectBuilder().add("disruptionsAllowed", 0)
          .add("currentHealthy", 0).add("desiredHealthy", 0).add("expectedPods", 0).build());

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
      default -> Json.createObjectBuilder(object).add("status", EMPTY.getOrDefault(key,
          JsonObject.EMPTY_JSON_OBJECT)).build();
    };
  }
}
