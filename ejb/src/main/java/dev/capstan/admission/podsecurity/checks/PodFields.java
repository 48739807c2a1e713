package dev.capstan.admission.podsecurity.checks;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/** Reading a pod spec's JSON the way the checks need it, and Kubernetes' message helpers. */
final class PodFields {

  private PodFields() {}

  /** Init containers, then containers, then ephemeral containers (Kubernetes' visit order). */
  static List<JsonObject> containers(JsonObject spec) {
    List<JsonObject> all = new ArrayList<>();
    for (String field : List.of("initContainers", "containers", "ephemeralContainers")) {
      all.addAll(objects(spec, field));
    }
    return all;
  }

  static List<JsonObject> objects(JsonObject object, String field) {
    if (!(object.get(field) instanceof JsonArray array)) {
      return List.of();
    }
    return array.stream().filter(JsonObject.class::isInstance).map(JsonObject.class::cast)
        .toList();
  }

  static List<String> strings(JsonObject object, String field) {
    if (!(object.get(field) instanceof JsonArray array)) {
      return List.of();
    }
    return array.stream().filter(JsonString.class::isInstance)
        .map(value -> ((JsonString) value).getString()).toList();
  }

  /** The object at a field, or an empty one. */
  static JsonObject object(JsonObject object, String field) {
    return object.get(field) instanceof JsonObject child ? child : JsonValue.EMPTY_JSON_OBJECT;
  }

  /** Whether the object has this field as an object (Go: the pointer is not nil). */
  static boolean has(JsonObject object, String field) {
    return object.get(field) instanceof JsonObject;
  }

  static JsonObject securityContext(JsonObject podSpecOrContainer) {
    return object(podSpecOrContainer, "securityContext");
  }

  static boolean isTrue(JsonObject object, String field) {
    return object.get(field) == JsonValue.TRUE;
  }

  static boolean isFalse(JsonObject object, String field) {
    return object.get(field) == JsonValue.FALSE;
  }

  static String name(JsonObject container) {
    return container.getString("name", "");
  }

  /** {@code hostUsers: false}: the pod runs in a user namespace, which relaxes some checks. */
  static boolean inUserNamespace(JsonObject spec) {
    return isFalse(spec, "hostUsers");
  }

  static boolean windows(JsonObject spec) {
    return "windows".equals(object(spec, "os").getString("name", ""));
  }

  /** {@code "a", "b"}. */
  static String joinQuote(Collection<String> items) {
    return items.stream().map(item -> "\"" + item + "\"").collect(Collectors.joining(", "));
  }

  static String pluralize(String singular, String plural, int count) {
    return count == 1 ? singular : plural;
  }

  /** {@code container "a"} or {@code containers "a", "b"}. */
  static String containersNamed(List<String> names) {
    return pluralize("container", "containers", names.size()) + " " + joinQuote(names);
  }

  /** Go's {@code %q} of a string, for annotation values. */
  static String quote(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
