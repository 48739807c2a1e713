package dev.capstan.it.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What a refused write must have left as it was: an object's fingerprint (what its users wrote,
 * not what the server and its controllers keep up to date) and the first place where two
 * fingerprints differ, for the report.
 */
final class ObjectDiff {

  private ObjectDiff() {}

  /** The first user-visible difference between two states of an object, or null if none. */
  static String of(JsonNode before, JsonNode after) {
    boolean scaledByDeployment = controlledByDeployment(before) || controlledByDeployment(after);
    return difference("", fingerprint(before, scaledByDeployment),
        fingerprint(after, scaledByDeployment));
  }

  /**
   * A ReplicaSet a Deployment controls: the reference manifests share their labels, so a
   * Deployment of another case adopts a ReplicaSet case's base object, and from then on its
   * controller scales it ({@code spec.replicas}) and copies its {@code minReadySeconds} whenever it
   * syncs, which may fall between a refused request and the check after it. Either state counts:
   * the adoption itself may fall in between.
   */
  private static boolean controlledByDeployment(JsonNode object) {
    for (JsonNode owner : object.path("metadata").path("ownerReferences")) {
      if (owner.path("controller").asBoolean(false)
          && owner.path("kind").asText().equals("Deployment")) {
        return true;
      }
    }
    return false;
  }

  /** The first place where two trees differ, as pointer: before -> after; null if equal. */
  static String difference(String at, JsonNode before, JsonNode after) {
    if (before.equals(after)) {
      return null;
    }
    if (before.isObject() && after.isObject()) {
      java.util.Set<String> names = new java.util.TreeSet<>();
      before.fieldNames().forEachRemaining(names::add);
      after.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        String inner = difference(at + "/" + name, before.path(name), after.path(name));
        if (inner != null) {
          return inner;
        }
      }
    }
    if (before.isArray() && after.isArray() && before.size() == after.size()) {
      for (int i = 0; i < before.size(); i++) {
        String inner = difference(at + "/" + i, before.get(i), after.get(i));
        if (inner != null) {
          return inner;
        }
      }
    }
    String was = before.toString();
    String is = after.toString();
    return at + ": " + Mutator.escape(was, 80) + " -> " + Mutator.escape(is, 80);
  }

  /**
   * What a user wrote of an object: all but status, the metadata the server keeps, and what
   * controllers write into objects they control.
   */
  private static JsonNode fingerprint(JsonNode object, boolean scaledByDeployment) {
    ObjectNode copy = object.deepCopy();
    copy.remove("status");
    if (scaledByDeployment && copy.path("spec") instanceof ObjectNode spec) {
      spec.remove("replicas");
      spec.remove("minReadySeconds");
    }
    JsonNode metadata = copy.path("metadata");
    if (metadata instanceof ObjectNode m) {
      ObjectNode kept = m.objectNode();
      for (String field : List.of("name", "namespace", "uid", "labels", "finalizers",
          "creationTimestamp")) {
        if (m.has(field)) {
          kept.set(field, m.get(field));
        }
      }
      // a ReplicationController or ReplicaSet of another case adopts a pod its selector finds
      // (the reference's pod and controller share their labels): its controller reference is
      // the controller's write, not the refused request's
      ArrayNode owners = m.arrayNode();
      m.path("ownerReferences").forEach(owner -> {
        if (!owner.path("controller").asBoolean(false)) {
          owners.add(owner);
        }
      });
      if (!owners.isEmpty()) {
        kept.set("ownerReferences", owners);
      }
      JsonNode annotations = m.path("annotations");
      if (annotations instanceof ObjectNode a) {
        ObjectNode userAnnotations = a.deepCopy();
        // the deployment controller's annotations (revision on a Deployment and its
        // ReplicaSets, desired-replicas and max-replicas on the ReplicaSets it scales) may
        // arrive between a refused request and the check: its writes, not the request's; the
        // empty object they leave once removed is no change a user made either
        List<String> controllers = new java.util.ArrayList<>();
        a.fieldNames().forEachRemaining(name -> {
          if (name.startsWith("deployment.kubernetes.io/")) {
            controllers.add(name);
          }
        });
        userAnnotations.remove(controllers);
        if (!userAnnotations.isEmpty()) {
          kept.set("annotations", userAnnotations);
        }
      }
      copy.set("metadata", kept);
    }
    return copy;
  }
}
