package dev.capstan.validation;

import dev.capstan.kinds.ResourceType;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * Validates a submitted object before anything is stored, collecting every problem with its
 * field path so the client can fix them all at once.
 */
public final class ObjectValidation {

  private ObjectValidation() {}

  /** The problems of an object submitted for creation as the given kind; empty when it is valid. */
  public static List<FieldError> validateCreate(ResourceType type, JsonObject body) {
    List<FieldError> errors = new ArrayList<>();
    JsonValue metadata = body.get("metadata");
    if (!(metadata instanceof JsonObject meta)
        || !(meta.get("name") instanceof JsonString name) || name.getString().isEmpty()) {
      errors.add(FieldError.required("metadata.name"));
      return errors;
    }
    // Namespaces (and, later, Services) are DNS labels; other kinds get their rules as they come.
    if (type.kind().equals("Namespace")) {
      Names.dns1123LabelProblem(name.getString())
          .ifPresent(problem -> errors.add(
              FieldError.invalid("metadata.name", name.getString(), problem)));
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
