package dev.capstan.api.objects;

import dev.capstan.api.options.QueryValues;
import dev.capstan.api.status.Statuses;
import dev.capstan.kinds.ResourceType;
import dev.capstan.validation.schema.ModelClasses;
import dev.capstan.validation.schema.UnknownFields;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code ?fieldValidation=Strict|Warn|Ignore}, as kube-apiserver: unknown fields are a 400 under
 * Strict (what kubectl sends), {@code Warning: 299} headers under Warn (the default), nothing
 * under Ignore. Unknown fields that are let through are dropped before the object is stored
 * ({@link #pruned}), as Kubernetes decodes into its types.
 */
enum FieldValidation {
  STRICT, WARN, IGNORE;

  static FieldValidation of(RequestOptions options) {
    String value = options.param("fieldValidation").orElse("Warn");
    return switch (value) {
      case "Strict" -> STRICT;
      case "Warn" -> WARN;
      case "Ignore" -> IGNORE;
      default -> throw Statuses.badRequest("fieldValidation: Unsupported value: \"" + value
          + "\": supported values: \"Ignore\", \"Strict\", \"Warn\"");
    };
  }

  /** The warnings to send (empty under Ignore); throws under Strict when a field is unknown. */
  List<String> check(ResourceType type, JsonObject object) {
    if (this == IGNORE) {
      return List.of();
    }
    List<String> unknown = ModelClasses.of(type.group(), type.version(), type.kind())
        .map(model -> UnknownFields.of(object, model))
        .orElse(List.of());
    if (this == STRICT && !unknown.isEmpty()) {
      throw Statuses.badRequest("strict decoding error: " + unknown.stream()
          .map(FieldValidation::unknownField).collect(Collectors.joining(", ")));
    }
    return unknown.stream().map(FieldValidation::unknownField).toList();
  }

  /**
   * Kubernetes' strict decoding error for one field, {@code unknown field "spec.foo"}: Go's
   * {@code %q} of its path, so a name holding a NUL or a line break reads {@code "a\x00b"}.
   */
  static String unknownField(String path) {
    return "unknown field " + QueryValues.quote(path);
  }

  /** The object as it is stored: without fields its kind does not have. */
  static JsonObject pruned(ResourceType type, JsonObject object) {
    return ModelClasses.of(type.group(), type.version(), type.kind())
        .map(model -> UnknownFields.pruned(object, model))
        .orElse(object);
  }
}
