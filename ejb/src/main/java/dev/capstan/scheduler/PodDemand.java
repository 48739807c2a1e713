package dev.capstan.scheduler;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.nodes.Tolerations;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What a pod asks of a node: resources, host ports, node labels, tolerated taints, its owner. */
final class PodDemand {

  final JsonObject pod;
  final JsonObject spec;
  final Resources resources;
  final Set<String> hostPorts;
  final Optional<String> owner;

  PodDemand(JsonObject pod) {
    this.pod = pod;
    this.spec = object(pod, "spec");
    this.resources = Resources.requestedBy(spec);
    this.hostPorts = hostPorts(spec);
    this.owner = owner(pod);
  }

  /** The uid of the pod's controller (its ownerReference with {@code controller: true}). */
  static Optional<String> owner(JsonObject pod) {
    return objects(object(pod, "metadata"), "ownerReferences").stream()
        .filter(reference -> reference.getBoolean("controller", false))
        .map(reference -> reference.getString("uid", ""))
        .filter(uid -> !uid.isEmpty())
        .findFirst();
  }

  /** {@code protocol/hostIP/port} of each host port the pod's containers ask for. */
  static Set<String> hostPorts(JsonObject podSpec) {
    Set<String> ports = new HashSet<>();
    for (JsonObject container : objects(podSpec, "containers")) {
      for (JsonObject port : objects(container, "ports")) {
        int hostPort = port.getInt("hostPort", 0);
        if (hostPort > 0) {
          ports.add(port.getString("protocol", "TCP") + "/" + hostPort);
        }
      }
    }
    return ports;
  }

  /** Whether {@code nodeSelector} and required node affinity accept the node's labels. */
  boolean acceptsLabels(JsonObject labels) {
    for (var entry : object(spec, "nodeSelector").entrySet()) {
      if (!(labels.get(entry.getKey()) instanceof JsonString value)
          || !(entry.getValue() instanceof JsonString wanted)
          || !value.getString().equals(wanted.getString())) {
        return false;
      }
    }
    JsonObject required = object(object(object(spec, "affinity"), "nodeAffinity"),
        "requiredDuringSchedulingIgnoredDuringExecution");
    List<JsonObject> terms = objects(required, "nodeSelectorTerms");
    if (terms.isEmpty()) {
      return true;
    }
    return terms.stream().anyMatch(term -> matches(term, labels));
  }

  private static boolean matches(JsonObject term, JsonObject labels) {
    List<JsonObject> expressions = objects(term, "matchExpressions");
    if (expressions.isEmpty()) {
      return false;
    }
    for (JsonObject expression : expressions) {
      String key = expression.getString("key", "");
      String operator = expression.getString("operator", "");
      List<String> values = new ArrayList<>();
      if (expression.get("values") instanceof JsonArray array) {
        for (JsonValue value : array) {
          if (value instanceof JsonString text) {
            values.add(text.getString());
          }
        }
      }
      String actual = labels.get(key) instanceof JsonString text ? text.getString() : null;
      boolean ok = switch (operator) {
        case "In" -> actual != null && values.contains(actual);
        case "NotIn" -> actual == null || !values.contains(actual);
        case "Exists" -> actual != null;
        case "DoesNotExist" -> actual == null;
        case "Gt" -> actual != null && compare(actual, values) > 0;
        case "Lt" -> actual != null && compare(actual, values) < 0;
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static int compare(String actual, List<String> values) {
    try {
      return Long.compare(Long.parseLong(actual), Long.parseLong(values.get(0)));
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** The first NoSchedule/NoExecute taint of the node the pod does not tolerate, if any. */
  Optional<JsonObject> untoleratedTaint(List<JsonObject> taints) {
    List<JsonObject> tolerations = objects(spec, "tolerations");
    for (JsonObject taint : taints) {
      String effect = taint.getString("effect", "");
      if (!effect.equals("NoSchedule") && !effect.equals("NoExecute")) {
        continue;
      }
      boolean tolerated = Tolerations.anyTolerates(tolerations, taint);
      if (!tolerated) {
        return Optional.of(taint);
      }
    }
    return Optional.empty();
  }
}
