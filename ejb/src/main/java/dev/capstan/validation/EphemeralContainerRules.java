package dev.capstan.validation;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What Kubernetes allows through the {@code pods/ephemeralcontainers} subresource
 * ({@code ValidatePodEphemeralContainersUpdate}): ephemeral containers may only be added, never
 * changed or removed; each needs a unique name and an image, may not have ports, probes,
 * lifecycle hooks, resources or a restart policy, and may target only a container of the pod.
 * Messages are Kubernetes' own.
 */
public final class EphemeralContainerRules {

  private static final String PATH = "spec.ephemeralContainers";
  private static final List<String> NOT_ALLOWED = List.of("ports", "livenessProbe",
      "readinessProbe", "startupProbe", "lifecycle", "resources", "resizePolicy",
      "restartPolicy");

  private EphemeralContainerRules() {}

  /**
   * The problems of going from the stored pod {@code current} to {@code desired}, of which only
   * {@code spec.ephemeralContainers} counts.
   */
  public static List<FieldError> validateUpdate(JsonObject current, JsonObject desired) {
    List<FieldError> errors = new ArrayList<>();
    Map<String, JsonObject> updated = byName(ephemeral(desired));
    for (JsonObject old : ephemeral(current)) {
      String name = old.getString("name", "");
      JsonObject now = updated.get(name);
      if (now == null) {
        errors.add(new FieldError(PATH, "FieldValueForbidden", "Forbidden: existing ephemeral"
            + " containers \"" + name + "\" may not be removed"));
      } else if (!now.equals(old)) {
        errors.add(new FieldError(PATH + "[" + name + "]", "FieldValueForbidden",
            "Forbidden: existing ephemeral containers \"" + name + "\" may not be changed"));
      }
    }
    JsonObject spec = spec(desired);
    Set<String> regular = new HashSet<>();
    names(spec, "containers").forEach(regular::add);
    names(spec, "initContainers").forEach(regular::add);
    Set<String> seen = new HashSet<>(regular);
    List<JsonObject> all = ephemeral(desired);
    for (int i = 0; i < all.size(); i++) {
      JsonObject container = all.get(i);
      String at = PATH + "[" + i + "]";
      String name = container.getString("name", "");
      if (name.isEmpty()) {
        errors.add(new FieldError(at + ".name", "FieldValueRequired", "Required value"));
      } else {
        Names.dns1123LabelProblem(name).ifPresent(problem ->
            errors.add(FieldError.invalid(at + ".name", name, problem)));
        if (!seen.add(name)) {
          errors.add(new FieldError(at + ".name", "FieldValueDuplicate",
              "Duplicate value: \"" + name + "\""));
        }
      }
      if (container.getString("image", "").isEmpty()) {
        errors.add(new FieldError(at + ".image", "FieldValueRequired", "Required value"));
      }
      for (String field : NOT_ALLOWED) {
        JsonValue value = container.get(field);
        if (value != null && value != JsonValue.NULL && !isEmpty(value)) {
          errors.add(new FieldError(at + "." + field, "FieldValueForbidden",
              "Forbidden: cannot be set for an Ephemeral Container"));
        }
      }
      String target = container.getString("targetContainerName", "");
      if (!target.isEmpty() && !regular.contains(target)) {
        errors.add(new FieldError(at + ".targetContainerName", "FieldValueNotFound",
            "Not found: \"" + target + "\""));
      }
    }
    return errors;
  }

  private static boolean isEmpty(JsonValue value) {
    return value instanceof JsonObject object && object.isEmpty()
        || value instanceof JsonArray array && array.isEmpty();
  }

  private static JsonObject spec(JsonObject pod) {
    return pod.get("spec") instanceof JsonObject spec ? spec : JsonValue.EMPTY_JSON_OBJECT;
  }

  private static List<JsonObject> ephemeral(JsonObject pod) {
    List<JsonObject> containers = new ArrayList<>();
    if (spec(pod).get("ephemeralContainers") instanceof JsonArray array) {
      for (JsonValue value : array) {
        if (value instanceof JsonObject container) {
          containers.add(container);
        }
      }
    }
    return containers;
  }

  private static List<String> names(JsonObject spec, String field) {
    List<String> names = new ArrayList<>();
    if (spec.get(field) instanceof JsonArray array) {
      for (JsonValue value : array) {
        if (value instanceof JsonObject container) {
          names.add(container.getString("name", ""));
        }
      }
    }
    return names;
  }

  private static Map<String, JsonObject> byName(List<JsonObject> containers) {
    Map<String, JsonObject> byName = new LinkedHashMap<>();
    containers.forEach(c -> byName.put(c.getString("name", ""), c));
    return byName;
  }
}
