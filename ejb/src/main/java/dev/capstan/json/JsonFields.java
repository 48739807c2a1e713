package dev.capstan.json;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reading API objects (JSON-P) the forgiving way Kubernetes code reads them: a missing or
 * mistyped field reads as empty, never as an exception. One place for what defaulting,
 * validation, selectors, watch filters and table columns all need.
 */
public final class JsonFields {

  private JsonFields() {}

  /** The child object, or an empty one. */
  public static JsonObject object(JsonObject parent, String field) {
    return parent.get(field) instanceof JsonObject child ? child : JsonValue.EMPTY_JSON_OBJECT;
  }

  /** The objects of a list field (other elements skipped), or none. */
  public static List<JsonObject> objects(JsonObject parent, String field) {
    return parent.get(field) instanceof JsonArray array
        ? array.stream().filter(JsonObject.class::isInstance).map(JsonObject.class::cast).toList()
        : List.of();
  }

  /** The string entries of a map field such as labels, sorted by key. */
  public static Map<String, String> strings(JsonObject map) {
    Map<String, String> strings = new TreeMap<>();
    map.forEach((key, value) -> {
      if (value instanceof JsonString string) {
        strings.put(key, string.getString());
      }
    });
    return strings;
  }

  /** The value at a dotted path such as {@code spec.nodeName}, or JSON null. */
  public static JsonValue at(JsonObject object, String path) {
    JsonValue current = object;
    for (String part : path.split("\\.")) {
      if (!(current instanceof JsonObject map) || !map.containsKey(part)) {
        return JsonValue.NULL;
      }
      current = map.get(part);
    }
    return current;
  }

  /** The scalar at a dotted path as text (numbers and booleans as written), or "". */
  public static String text(JsonObject object, String path) {
    JsonValue value = at(object, path);
    if (value instanceof JsonString string) {
      return string.getString();
    }
    if (value instanceof JsonNumber || value == JsonValue.TRUE || value == JsonValue.FALSE) {
      return value.toString();
    }
    return "";
  }
}
