package dev.capstan.api.table;

import dev.capstan.json.JsonFields;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.List;

/** Table cells read object bodies by dotted path (see {@link JsonFields}); missing reads as empty. */
final class Fields {

  private Fields() {}

  static JsonValue at(JsonObject object, String path) {
    return JsonFields.at(object, path);
  }

  static String string(JsonObject object, String path) {
    return JsonFields.text(object, path);
  }

  static long number(JsonObject object, String path) {
    return at(object, path) instanceof JsonNumber n ? n.longValue() : 0;
  }

  static JsonObject object(JsonObject object, String path) {
    return at(object, path) instanceof JsonObject o ? o : JsonValue.EMPTY_JSON_OBJECT;
  }

  static List<JsonObject> objects(JsonObject object, String path) {
    int dot = path.lastIndexOf('.');
    JsonObject parent = dot < 0 ? object : object(object, path.substring(0, dot));
    return JsonFields.objects(parent, path.substring(dot + 1));
  }

  static String orNone(String value) {
    return value.isEmpty() ? "<none>" : value;
  }
}
