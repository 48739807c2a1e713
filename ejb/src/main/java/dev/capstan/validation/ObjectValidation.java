package dev.capstan.validation;

import dev.capstan.kinds.ResourceType;
import dev.capstan.limits.RequestLimits;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

  /**
   * The problems of an update, in one list as Kubernetes' {@code Validate<Kind>Update} gives
   * them: those of the new object's metadata, a uid other than the stored one
   * ({@code ValidateObjectMetaUpdate}: {@code metadata.uid: Invalid value: "...": field is
   * immutable}; a PUT's differing uid fails its precondition before this, 409), the rest of the
   * new object, then what it may not change from the stored one (a binding's {@code roleRef}).
   * A uid left out keeps the stored one, and creationTimestamp is always the stored one, as
   * kube-apiserver's {@code BeforeUpdate} resets them before validating.
   */
  public static List<FieldError> validateUpdate(ResourceType type, JsonObject current,
      JsonObject desired) {
    List<FieldError> errors = validateMetadata(type, desired);
    String uid = desired.getJsonObject("metadata").get("uid") instanceof JsonString given
        ? given.getString() : "";
    String storedUid = current.getJsonObject("metadata").getString("uid", "");
    if (!uid.isEmpty() && !uid.equals(storedUid)) {
      errors.add(FieldError.invalid("metadata.uid", uid, "field is immutable"));
    }
    errors.addAll(KindRules.validate(type.group(), type.kind(), desired));
    if (type.group().equals(RbacRules.GROUP)
        && (type.kind().equals("RoleBinding") || type.kind().equals("ClusterRoleBinding"))) {
      errors.addAll(RbacRules.validateBindingUpdate(current, desired));
    }
    if (type.group().isEmpty() && type.kind().equals("PersistentVolumeClaim")) {
      StorageRules.persistentVolumeClaimUpdate(current, desired, errors);
    }
    if (type.group().equals("storage.k8s.io") && type.kind().equals("StorageClass")) {
      StorageRules.storageClassUpdate(current, desired, errors);
    }
    if (type.group().equals("apps") && type.kind().equals("ControllerRevision")
        && !Objects.equals(current.get("data"), desired.get("data"))) {
      JsonValue data = desired.get("data");
      errors.add(FieldError.invalid("data", data == null ? "null" : data.toString(),
          "field is immutable"));
    }
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
      long size = 0;
      for (Map.Entry<String, JsonValue> annotation : annotations.entrySet()) {
        String key = annotation.getKey();
        Names.labelKeyProblem(key).ifPresent(problem -> errors.add(
            FieldError.invalid("metadata.annotations", key, problem)));
        size += ConfigData.utf8Length(key) + (annotation.getValue() instanceof JsonString value
            ? ConfigData.utf8Length(value.getString()) : 0);
      }
      if (size > RequestLimits.MAX_ANNOTATION_BYTES) {
        errors.add(FieldError.tooLong("metadata.annotations", RequestLimits.MAX_ANNOTATION_BYTES));
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
