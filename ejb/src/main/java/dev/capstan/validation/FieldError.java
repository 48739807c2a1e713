package dev.capstan.validation;

/**
 * One problem with one field of a submitted object, worded as Kubernetes words it.
 *
 * @param field the field's path, e.g. {@code metadata.name}
 * @param reason Kubernetes' cause type, e.g. {@code FieldValueInvalid}, {@code FieldValueRequired}
 * @param message the whole sentence, e.g. {@code Invalid value: "A": a lowercase RFC 1123 ...}
 */
public record FieldError(String field, String reason, String message) {

  public static FieldError required(String field) {
    return new FieldError(field, "FieldValueRequired", "Required value: name or generateName is required");
  }

  public static FieldError invalid(String field, String value, String detail) {
    return new FieldError(field, "FieldValueInvalid", "Invalid value: \"" + value + "\": " + detail);
  }

  /** How Kubernetes joins a field and its message in a Status message. */
  @Override
  public String toString() {
    return field + ": " + message;
  }
}
