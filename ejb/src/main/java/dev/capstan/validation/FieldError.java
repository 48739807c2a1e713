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

  /** {@code Required value} with Kubernetes' detail, if any. */
  public static FieldError required(String field, String detail) {
    return new FieldError(field, "FieldValueRequired",
        "Required value" + (detail.isEmpty() ? "" : ": " + detail));
  }

  /** {@code Unsupported value: "x": supported values: "a", "b"}. */
  public static FieldError notSupported(String field, String value, java.util.List<String> supported) {
    return new FieldError(field, "FieldValueNotSupported", "Unsupported value: \"" + value
        + "\": supported values: " + String.join(", ",
            supported.stream().map(s -> "\"" + s + "\"").toList()));
  }

  public static FieldError invalid(String field, String value, String detail) {
    return new FieldError(field, "FieldValueInvalid", "Invalid value: \"" + value + "\": " + detail);
  }

  /**
   * {@code Invalid value: 70000: ...}: a number, unquoted, as Go's {@code field.Invalid} prints
   * an integer value.
   */
  public static FieldError invalid(String field, long value, String detail) {
    return new FieldError(field, "FieldValueInvalid", "Invalid value: " + value + ": " + detail);
  }

  /** {@code Too long: must have at most 1048576 bytes} (the value is not repeated). */
  public static FieldError tooLong(String field, long maxBytes) {
    return new FieldError(field, "FieldValueTooLong",
        "Too long: must have at most " + maxBytes + " bytes");
  }

  /** How Kubernetes joins a field and its message in a Status message. */
  @Override
  public String toString() {
    return field + ": " + message;
  }
}
