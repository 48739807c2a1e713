package dev.capstan.api.objects;

import dev.capstan.api.status.Statuses;
import dev.capstan.validation.FieldError;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The body of a {@code pods/eviction} request, Kubernetes' {@code policy/v1} (or
 * {@code v1beta1}) Eviction: it names the pod and carries the {@code deleteOptions} of the
 * delete it asks for (grace period, preconditions, dry run). A body of another kind, or naming
 * another pod, is a 400; a malformed {@code deleteOptions} field a 422 naming it.
 */
final class Evictions {

  private static final Set<String> API_VERSIONS = Set.of("policy/v1", "policy/v1beta1");
  private static final Set<String> POLICIES = Set.of("Orphan", "Background", "Foreground");

  private Evictions() {}

  /** The delete the eviction of pod {@code pod} asks for. */
  static DeleteOptions deleteOptions(String pod, JsonObject eviction) {
    String apiVersion = eviction.getString("apiVersion", "policy/v1");
    String kind = eviction.getString("kind", "Eviction");
    if (!API_VERSIONS.contains(apiVersion) || !kind.equals("Eviction")) {
      throw Statuses.badRequest("the body is a " + apiVersion + " " + kind
          + ", not a policy/v1 Eviction");
    }
    String name = eviction.get("metadata") instanceof JsonObject metadata
        ? metadata.getString("name", "") : "";
    if (!name.isEmpty() && !name.equals(pod)) {
      throw Statuses.badRequest("name in URL does not match name in Eviction object");
    }
    JsonValue options = eviction.getOrDefault("deleteOptions", JsonValue.NULL);
    if (options == JsonValue.NULL) {
      return DeleteOptions.of(JsonValue.EMPTY_JSON_OBJECT, "deleteOptions.");
    }
    if (!(options instanceof JsonObject deleteOptions)) {
      throw invalid(pod, List.of(FieldError.invalid("deleteOptions", options.toString(),
          "must be a DeleteOptions object")));
    }
    List<FieldError> errors = check(deleteOptions);
    if (!errors.isEmpty()) {
      throw invalid(pod, errors);
    }
    return DeleteOptions.of(deleteOptions, "deleteOptions.");
  }

  private static List<FieldError> check(JsonObject options) {
    List<FieldError> errors = new ArrayList<>();
    JsonValue grace = options.getOrDefault("gracePeriodSeconds", JsonValue.NULL);
    if (grace != JsonValue.NULL && !(grace instanceof JsonNumber number
        && number.isIntegral())) {
      errors.add(FieldError.invalid("deleteOptions.gracePeriodSeconds", text(grace),
          "must be a whole number of seconds"));
    }
    JsonValue policy = options.getOrDefault("propagationPolicy", JsonValue.NULL);
    if (policy != JsonValue.NULL && !(policy instanceof JsonString value
        && POLICIES.contains(value.getString()))) {
      errors.add(new FieldError("deleteOptions.propagationPolicy", "FieldValueNotSupported",
          "Unsupported value: \"" + text(policy)
              + "\": supported values: \"Foreground\", \"Background\", \"Orphan\""));
    }
    JsonValue dryRun = options.getOrDefault("dryRun", JsonValue.NULL);
    if (dryRun != JsonValue.NULL && !(dryRun instanceof JsonArray values && values.stream()
        .allMatch(v -> v instanceof JsonString s && s.getString().equals("All")))) {
      errors.add(new FieldError("deleteOptions.dryRun", "FieldValueNotSupported",
          "Unsupported value: " + dryRun + ": supported values: \"All\""));
    }
    if (options.get("preconditions") instanceof JsonObject preconditions
        && preconditions.get("resourceVersion") instanceof JsonString version
        && !version.getString().chars().allMatch(Character::isDigit)) {
      errors.add(FieldError.invalid("deleteOptions.preconditions.resourceVersion",
          version.getString(), "must be a resource version"));
    }
    return errors;
  }

  private static String text(JsonValue value) {
    return value instanceof JsonString string ? string.getString() : value.toString();
  }

  private static RuntimeException invalid(String pod, List<FieldError> errors) {
    return Statuses.invalid("Eviction", pod, errors);
  }
}
