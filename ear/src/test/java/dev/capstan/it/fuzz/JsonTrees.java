package dev.capstan.it.fuzz;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Path-addressed edits of immutable JSON-P trees, which the mutations are made of. A path is a
 * list of object keys and array indexes ({@link Integer}); the empty path is the root.
 */
final class JsonTrees {

  private JsonTrees() {}

  /** Every path in the tree (the root included), depth first, at most {@code limit}. */
  static List<List<Object>> paths(JsonValue root, int limit) {
    List<List<Object>> paths = new ArrayList<>();
    collect(root, new ArrayList<>(), paths, limit);
    return paths;
  }

  private static void collect(JsonValue value, List<Object> path, List<List<Object>> out,
      int limit) {
    if (out.size() >= limit) {
      return;
    }
    out.add(List.copyOf(path));
    if (value instanceof JsonObject object) {
      for (Map.Entry<String, JsonValue> member : object.entrySet()) {
        path.add(member.getKey());
        collect(member.getValue(), path, out, limit);
        path.remove(path.size() - 1);
      }
    } else if (value instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        path.add(i);
        collect(array.get(i), path, out, limit);
        path.remove(path.size() - 1);
      }
    }
  }

  static JsonValue get(JsonValue root, List<Object> path) {
    JsonValue value = root;
    for (Object step : path) {
      value = step instanceof Integer index ? value.asJsonArray().get(index)
          : value.asJsonObject().get((String) step);
    }
    return value;
  }

  /** The tree with the value at {@code path} replaced; {@code null} removes it. */
  static JsonValue replace(JsonValue root, List<Object> path, JsonValue replacement) {
    if (path.isEmpty()) {
      return replacement == null ? JsonValue.NULL : replacement;
    }
    Object step = path.get(0);
    List<Object> rest = path.subList(1, path.size());
    if (root instanceof JsonObject object && step instanceof String key) {
      JsonObjectBuilder builder = Json.createObjectBuilder(object);
      if (rest.isEmpty() && replacement == null) {
        builder.remove(key);
      } else {
        JsonValue child = object.containsKey(key) ? object.get(key) : JsonValue.EMPTY_JSON_OBJECT;
        builder.add(key, replace(child, rest, replacement));
      }
      return builder.build();
    }
    if (root instanceof JsonArray array && step instanceof Integer index) {
      JsonArrayBuilder builder = Json.createArrayBuilder();
      for (int i = 0; i < array.size(); i++) {
        if (i != index) {
          builder.add(array.get(i));
        } else if (!(rest.isEmpty() && replacement == null)) {
          builder.add(replace(array.get(i), rest, replacement));
        }
      }
      return builder.build();
    }
    return root;
  }

  /** The RFC 6901 pointer of a path. */
  static String pointer(List<Object> path) {
    StringBuilder pointer = new StringBuilder();
    for (Object step : path) {
      pointer.append('/').append(step.toString().replace("~", "~0").replace("/", "~1"));
    }
    return pointer.toString();
  }

  static String write(JsonValue value) {
    StringWriter out = new StringWriter();
    try (var writer = Json.createWriter(out)) {
      writer.write(value);
    }
    return out.toString();
  }
}
