package dev.capstan.validation;

import dev.capstan.kinds.ResourceType;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Validates a submitted object before anything is stored, collecting every problem with its
 * field path so the client can fix them all at once. Kind-specific rules (a selector that must
 * match the template's labels, quantities) come with each kind's behaviour.
 */
public final class ObjectValidation {

  /** Kinds whose names must be DNS labels (they become DNS names); others are subdomains. */
  private static final Set<String> LABEL_NAMED_KINDS = Set.of("Namespace", "Service");

  private ObjectValidation() {}

  /** The problems of an object submitted for creation; empty when it is valid. */
  public static List<FieldError> validateCreate(ResourceType type, JsonObject body) {
    List<FieldError> errors = new ArrayList<>();
    String name = nameOf(body);
    if (name.isEmpty()) {
      errors.add(FieldError.required("metadata.name"));
      return errors;
    }
    errors.addAll(validateMetadata(type, body));
    errors.addAll(KindRules.validate(type.group(), type.kind(), body));
    return errors;
  }

  /** The problems of an object submitted to replace (or as the result of patching) another. */
  public static List<FieldError> validateUpdate(ResourceType type, JsonObject body) {
    List<FieldError> errors = validateMetadata(type, body);
    errors.addAll(KindRules.validate(type.group(), type.kind(), body));
    return errors;
  }

  private static List<FieldError> validateMetadata(ResourceType type, JsonObject body) {
    List<FieldError> errors = new ArrayList<>();
    String name = nameOf(body);
    Optional<String> nameProblem = LABEL_NAMED_KINDS.contains(type.kind()) && type.group().isEmpty()
        ? Names.dns1123LabelProblem(name)
        : Names.dns1123SubdomainProblem(name);
    nameProblem.ifPresent(problem -> errors.add(FieldError.invalid("metadata.name", name, problem)));
    JsonObject metadata = body.getJsonObject("metadata");
    JsonValue labels = metadata.get("labels");
    if (labels instanceof JsonObject labelMap) {
      for (Map.Entry<String, JsonValue> label : labelMap.entrySet()) {
        Names.labelKeyProblem(label.getKey()).ifPresent(problem -> errors.add(
            FieldError.invalid("metadata.labels", label.getKey(), problem)));
        if (!(label.getValue() instanceof JsonString value)) {
          errors.add(FieldError.invalid("metadata.labels", label.getValue().toString(),
              "label values must be strings"));
        } else {
          Names.labelValueProblem(value.getString()).ifPresent(problem -> errors.add(
              FieldError.invalid("metadata.labels", value.getString(), problem)));
        }
      }
    } else if (labels != null && labels != JsonValue.NULL) {
      errors.add(FieldError.invalid("metadata.labels", labels.toString(), "must be an object"));
    }
    if (metadata.get("annotations") instanceof JsonObject annotations) {
      for (String key : annotations.keySet()) {
        Names.labelKeyProblem(key).ifPresent(problem -> errors.add(
            FieldError.invalid("metadata.annotations", key, problem)));
      }
    }
    return errors;
  }

  /** The name a body gives itself, or empty when it has none. */
  public static String nameOf(JsonObject body) {
    if (body.get("metadata") instanceof JsonObject meta
        && meta.get("name") instanceof JsonString name) {
      return name.getString();
    }
    return "";
  }
}
