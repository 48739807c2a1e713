package dev.capstan.api.objects;

import dev.capstan.api.status.Statuses;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads a YAML request body (one document) into the JSON value the API works on, as
 * kube-apiserver accepts {@code application/yaml}. Keys must be strings; timestamps and other
 * YAML-only types stay strings.
 */
final class YamlBodies {

  private static final LoadSettings SETTINGS = LoadSettings.builder()
      .setAllowDuplicateKeys(false)
      .setMaxAliasesForCollections(50)
      .setCodePointLimit(3 * 1024 * 1024)
      .build();

  private YamlBodies() {}

  static JsonValue decode(String body) {
    try {
      Iterator<Object> documents = new Load(SETTINGS).loadAllFromString(body).iterator();
      if (!documents.hasNext()) {
        throw Statuses.badRequest("the request body is empty");
      }
      JsonValue value = toJson(documents.next(), "");
      if (documents.hasNext()) {
        throw Statuses.badRequest("the request body holds more than one YAML document");
      }
      return value;
    } catch (MarkedYamlEngineException e) {
      throw Statuses.badRequest("yaml: line " + (e.getProblemMark().map(m -> m.getLine() + 1).orElse(0))
          + ": " + e.getProblem());
    } catch (YamlEngineException e) {
      throw Statuses.badRequest("yaml: " + e.getMessage());
    }
  }

  private static JsonValue toJson(Object value, String path) {
    if (value == null) {
      return JsonValue.NULL;
    }
    if (value instanceof Map<?, ?> map) {
      JsonObjectBuilder object = Json.createObjectBuilder();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!(entry.getKey() instanceof String key)) {
          throw Statuses.badRequest("yaml: " + (path.isEmpty() ? "a" : path + ": a")
              + " key is not a string: " + entry.getKey());
        }
        object.add(key, toJson(entry.getValue(), path.isEmpty() ? key : path + "." + key));
      }
      return object.build();
    }
    if (value instanceof List<?> list) {
      JsonArrayBuilder array = Json.createArrayBuilder();
      for (int i = 0; i < list.size(); i++) {
        array.add(toJson(list.get(i), path + "[" + i + "]"));
      }
      return array.build();
    }
    if (value instanceof Boolean bool) {
      return bool ? JsonValue.TRUE : JsonValue.FALSE;
    }
    if (value instanceof Integer || value instanceof Long) {
      return Json.createValue(((Number) value).longValue());
    }
    if (value instanceof BigInteger big) {
      return Json.createValue(big);
    }
    if (value instanceof Double || value instanceof Float) {
      return Json.createValue(BigDecimal.valueOf(((Number) value).doubleValue()));
    }
    return Json.createValue(value.toString());
  }
}
