package dev.capstan.api.table;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.List;

/** Reads values out of an object body by dotted path, for table cells; missing reads as empty. */
final class Fields {

  private Fields() {}

  static JsonValue at(JsonObject object, String path) {
    JsonValue current = object;
    for (String part : path.split("\\.")) {
      if (!(current instanceof JsonObject map) || !map.containsKey(part)) {
        return JsonValue.NULL;
      }
      current = map.get(part);
    }
    return current;
  }

  static String string(JsonObject object, String path) {
    JsonValue value = at(object, path);
    return value instanceof JsonString s ? s.getString()
        : value instanceof JsonNumber n ? n.toString() : "";
  }

  static long number(JsonObject object, String path) {
    return at(object, path) instanceof JsonNumber n ? n.longValue() : 0;
  }

  static JsonObject object(JsonObject object, String path) {
    return at(object, path) instanceof JsonObject o ? o : JsonValue.EMPTY_JSON_OBJECT;
  }

  static List<JsonObject> objects(JsonObject object, String path) {
    return at(object, path) instanceof JsonArray array
        ? array.stream().filter(JsonObject.class::isInstance).map(JsonObject.class::cast).toList()
        : List.of();
  }

  static String orNone(String value) {
    return value.isEmpty() ? "<none>" : value;
  }
}
