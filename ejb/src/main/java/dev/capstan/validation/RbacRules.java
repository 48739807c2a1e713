package dev.capstan.validation;

import static dev.capstan.json.JsonFields.object;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Kubernetes' RBAC validation ({@code pkg/apis/rbac/validation}): rules need verbs and either
 * apiGroups with resources or nonResourceURLs (never both, and no URLs in a Role); a binding's
 * roleRef names a Role or ClusterRole of {@code rbac.authorization.k8s.io} and cannot change;
 * subjects are Users and Groups of that group or ServiceAccounts of the core group (with a
 * namespace in a ClusterRoleBinding).
 */
public final class RbacRules {

  public static final String GROUP = "rbac.authorization.k8s.io";

  private RbacRules() {}

  static void role(JsonObject role, boolean namespaced, List<FieldError> errors) {
    if (!(role.get("rules") instanceof JsonArray rules)) {
      return;
    }
    for (int i = 0; i < rules.size(); i++) {
      if (!(rules.get(i) instanceof JsonObject rule)) {
        continue;
      }
      String path = "rules[" + i + "]";
      if (size(rule, "verbs") == 0) {
        errors.add(FieldError.required(path + ".verbs", "verbs must contain at least one value"));
      }
      if (size(rule, "nonResourceURLs") > 0) {
        if (namespaced) {
          errors.add(rawInvalid(path + ".nonResourceURLs", goList(rule, "nonResourceURLs"),
              "namespaced rules cannot apply to non-resource URLs"));
        }
        if (size(rule, "apiGroups") > 0 || size(rule, "resources") > 0
            || size(rule, "resourceNames") > 0) {
          errors.add(rawInvalid(path + ".nonResourceURLs", goList(rule, "nonResourceURLs"),
              "rules cannot apply to both regular resources and non-resource URLs"));
        }
        continue;
      }
      if (size(rule, "apiGroups") == 0) {
        errors.add(FieldError.required(path + ".apiGroups",
            "resource rules must supply at least one api group"));
      }
      if (size(rule, "resources") == 0) {
        errors.add(FieldError.required(path + ".resources",
            "resource rules must supply at least one resource"));
      }
    }
  }

  static void binding(JsonObject binding, boolean namespaced, List<FieldError> errors) {
    JsonObject roleRef = object(binding, "roleRef");
    String apiGroup = roleRef.getString("apiGroup", "");
    if (!apiGroup.equals(GROUP)) {
      errors.add(FieldError.notSupported("roleRef.apiGroup", apiGroup, List.of(GROUP)));
    }
    String kind = roleRef.getString("kind", "");
    List<String> kinds = namespaced ? List.of("Role", "ClusterRole") : List.of("ClusterRole");
    if (!kinds.contains(kind)) {
      errors.add(FieldError.notSupported("roleRef.kind", kind, kinds));
    }
    String name = roleRef.getString("name", "");
    if (name.isEmpty()) {
      errors.add(FieldError.required("roleRef.name", ""));
    } else {
      pathSegmentProblem(name).ifPresent(problem ->
          errors.add(FieldError.invalid("roleRef.name", name, problem)));
    }
    JsonValue subjects = binding.get("subjects");
    if (!(subjects instanceof JsonArray array)) {
      return;
    }
    for (int i = 0; i < array.size(); i++) {
      if (array.get(i) instanceof JsonObject subject) {
        subject(subject, namespaced, "subjects[" + i + "]", errors);
      }
    }
  }

  private static void subject(JsonObject subject, boolean namespaced, String path,
      List<FieldError> errors) {
    String name = subject.getString("name", "");
    String apiGroup = subject.getString("apiGroup", "");
    if (name.isEmpty()) {
      errors.add(FieldError.required(path + ".name", ""));
    }
    String kind = subject.getString("kind", "");
    switch (kind) {
      case "ServiceAccount" -> {
        if (!name.isEmpty()) {
          Names.dns1123SubdomainProblem(name).ifPresent(problem ->
              errors.add(FieldError.invalid(path + ".name", name, problem)));
        }
        if (!apiGroup.isEmpty()) {
          errors.add(FieldError.notSupported(path + ".apiGroup", apiGroup, List.of("")));
        }
        if (!namespaced && subject.getString("namespace", "").isEmpty()) {
          errors.add(FieldError.required(path + ".namespace", ""));
        }
      }
      case "User", "Group" -> {
        if (!apiGroup.equals(GROUP)) {
          errors.add(FieldError.notSupported(path + ".apiGroup", apiGroup, List.of(GROUP)));
        }
      }
      default -> errors.add(FieldError.notSupported(path + ".kind", kind,
          List.of("ServiceAccount", "User", "Group")));
    }
  }

  /**
   * An update's problems with what it changes: {@code roleRef} is immutable (Kubernetes prints
   * the old and new as Go values, {@code rbac.RoleRef{APIGroup:"...", Kind:"...", Name:"..."}}).
   */
  public static List<FieldError> validateBindingUpdate(JsonObject current, JsonObject desired) {
    JsonObject before = object(current, "roleRef");
    JsonObject after = object(desired, "roleRef");
    if (Objects.equals(refOf(before), refOf(after))) {
      return List.of();
    }
    return List.of(rawInvalid("roleRef", "rbac.RoleRef{APIGroup:\""
        + after.getString("apiGroup", "") + "\", Kind:\"" + after.getString("kind", "")
        + "\", Name:\"" + after.getString("name", "") + "\"}", "cannot change roleRef"));
  }

  private static List<String> refOf(JsonObject ref) {
    return List.of(ref.getString("apiGroup", ""), ref.getString("kind", ""),
        ref.getString("name", ""));
  }

  /** Kubernetes' {@code ValidatePathSegmentName}. */
  private static Optional<String> pathSegmentProblem(String name) {
    if (name.equals(".") || name.equals("..")) {
      return Optional.of("may not be '" + name + "'");
    }
    for (String illegal : List.of("/", "%")) {
      if (name.contains(illegal)) {
        return Optional.of("may not contain '" + illegal + "'");
      }
    }
    return Optional.empty();
  }

  private static int size(JsonObject rule, String field) {
    return rule.get(field) instanceof JsonArray array ? array.size() : 0;
  }

  /** Go's {@code %#v} of a string slice, as field.Invalid prints it: {@code []string{"/a"}}. */
  private static String goList(JsonObject rule, String field) {
    JsonArray array = (JsonArray) rule.get(field);
    return "[]string{" + String.join(", ", array.stream().filter(JsonString.class::isInstance)
        .map(v -> "\"" + ((JsonString) v).getString() + "\"").toList()) + "}";
  }

  /** An invalid value that is not a string, printed unquoted as Go's {@code %#v}. */
  private static FieldError rawInvalid(String field, String value, String detail) {
    return new FieldError(field, "FieldValueInvalid", "Invalid value: " + value + ": " + detail);
  }
}
