package dev.capstan.scheduler;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.nodes.Tolerations;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a pod spec may go to a node, as far as the node's identity says: {@code nodeSelector},
 * required node affinity (label {@code matchExpressions} and the {@code metadata.name}
 * {@code matchFields} the DaemonSet controller pins its pods with) and taints against
 * tolerations. Pure functions of the two objects: the scheduler's filters and the DaemonSet
 * controller's choice of nodes share them.
 */
public final class NodeMatching {

  /** The taint effects that keep a pod off a node. */
  public static final Set<String> SCHEDULING_EFFECTS = Set.of("NoSchedule", "NoExecute");

  private NodeMatching() {}

  /** Whether the pod spec's {@code nodeSelector} and required node affinity accept the node. */
  public static boolean accepts(JsonObject podSpec, JsonObject node) {
    JsonObject labels = object(object(node, "metadata"), "labels");
    for (var entry : object(podSpec, "nodeSelector").entrySet()) {
      if (!(labels.get(entry.getKey()) instanceof JsonString value)
          || !(entry.getValue() instanceof JsonString wanted)
          || !value.getString().equals(wanted.getString())) {
        return false;
      }
    }
    JsonObject required = object(object(object(podSpec, "affinity"), "nodeAffinity"),
        "requiredDuringSchedulingIgnoredDuringExecution");
    List<JsonObject> terms = objects(required, "nodeSelectorTerms");
    if (terms.isEmpty()) {
      return true;
    }
    String name = object(node, "metadata").getString("name", "");
    return terms.stream().anyMatch(term -> matches(term, name, labels));
  }

  /**
   * Whether a node satisfies node selector terms (any one of them), as a PersistentVolume's
   * {@code nodeAffinity.required} asks; no terms accept every node.
   */
  public static boolean acceptsTerms(List<JsonObject> terms, JsonObject node) {
    JsonObject labels = object(object(node, "metadata"), "labels");
    String name = object(node, "metadata").getString("name", "");
    return terms.isEmpty() || terms.stream().anyMatch(term -> matches(term, name, labels));
  }

  /** A term matches when it has requirements and all of them hold (Kubernetes' rule). */
  private static boolean matches(JsonObject term, String nodeName, JsonObject labels) {
    List<JsonObject> expressions = objects(term, "matchExpressions");
    List<JsonObject> fields = objects(term, "matchFields");
    if (expressions.isEmpty() && fields.isEmpty()) {
      return false;
    }
    for (JsonObject expression : expressions) {
      String key = expression.getString("key", "");
      String actual = labels.get(key) instanceof JsonString text ? text.getString() : null;
      if (!holds(expression, actual)) {
        return false;
      }
    }
    for (JsonObject field : fields) {
      // metadata.name is the only field Kubernetes supports here
      String actual = "metadata.name".equals(field.getString("key", "")) ? nodeName : null;
      if (!holds(field, actual)) {
        return false;
      }
    }
    return true;
  }

  private static boolean holds(JsonObject requirement, String actual) {
    List<String> values = new ArrayList<>();
    if (requirement.get("values") instanceof JsonArray array) {
      for (JsonValue value : array) {
        if (value instanceof JsonString text) {
          values.add(text.getString());
        }
      }
    }
    return switch (requirement.getString("operator", "")) {
      case "In" -> actual != null && values.contains(actual);
      case "NotIn" -> actual == null || !values.contains(actual);
      case "Exists" -> actual != null;
      case "DoesNotExist" -> actual == null;
      case "Gt" -> actual != null && compare(actual, values) > 0;
      case "Lt" -> actual != null && compare(actual, values) < 0;
      default -> false;
    };
  }

  private static int compare(String actual, List<String> values) {
    try {
      return Long.compare(Long.parseLong(actual), Long.parseLong(values.get(0)));
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** The first taint with one of {@code effects} that no toleration tolerates, if any. */
  public static Optional<JsonObject> untoleratedTaint(List<JsonObject> tolerations,
      List<JsonObject> taints, Set<String> effects) {
    for (JsonObject taint : taints) {
      if (effects.contains(taint.getString("effect", ""))
          && !Tolerations.anyTolerates(tolerations, taint)) {
        return Optional.of(taint);
      }
    }
    return Optional.empty();
  }
}
