package dev.capstan.validation;

import dev.capstan.limits.RequestLimits;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes' rules for the data of ConfigMaps and Secrets, which become files where they are
 * mounted: keys are file names ({@link Names#configKeyProblems}), a ConfigMap key is in
 * {@code data} or {@code binaryData} but not both, and all the data together is at most 1 MiB
 * ({@code core.MaxSecretSize}). The types of the values (strings, base64) are checked earlier,
 * when the body is decoded.
 */
final class ConfigData {

  private ConfigData() {}

  static void configMap(JsonObject configMap, List<FieldError> errors) {
    JsonObject data = map(configMap, "data");
    JsonObject binaryData = map(configMap, "binaryData");
    long size = 0;
    for (Map.Entry<String, JsonValue> entry : data.entrySet()) {
      keyProblems("data", entry.getKey(), errors);
      if (binaryData.containsKey(entry.getKey())) {
        errors.add(FieldError.invalid("data[" + entry.getKey() + "]", entry.getKey(),
            "duplicate of key present in binaryData"));
      }
      size += textLength(entry.getValue());
    }
    for (Map.Entry<String, JsonValue> entry : binaryData.entrySet()) {
      keyProblems("binaryData", entry.getKey(), errors);
      if (data.containsKey(entry.getKey())) {
        errors.add(FieldError.invalid("binaryData[" + entry.getKey() + "]", entry.getKey(),
            "duplicate of key present in data"));
      }
      size += decodedLength(entry.getValue());
    }
    if (size > RequestLimits.MAX_DATA_BYTES) {
      // Kubernetes' path for "the whole object"
      errors.add(FieldError.tooLong("[]", RequestLimits.MAX_DATA_BYTES));
    }
  }

  /** A Secret's {@code stringData} is merged into {@code data}: its keys are data keys. */
  static void secret(JsonObject secret, List<FieldError> errors) {
    long size = 0;
    for (Map.Entry<String, JsonValue> entry : map(secret, "data").entrySet()) {
      keyProblems("data", entry.getKey(), errors);
      size += decodedLength(entry.getValue());
    }
    for (Map.Entry<String, JsonValue> entry : map(secret, "stringData").entrySet()) {
      keyProblems("data", entry.getKey(), errors);
      size += textLength(entry.getValue());
    }
    if (size > RequestLimits.MAX_DATA_BYTES) {
      errors.add(FieldError.tooLong("data", RequestLimits.MAX_DATA_BYTES));
    }
  }

  private static void keyProblems(String field, String key, List<FieldError> errors) {
    Names.configKeyProblems(key).forEach(problem ->
        errors.add(FieldError.invalid(field + "[" + key + "]", key, problem)));
  }

  private static JsonObject map(JsonObject object, String field) {
    return object.get(field) instanceof JsonObject map ? map : JsonValue.EMPTY_JSON_OBJECT;
  }

  private static long textLength(JsonValue value) {
    return value instanceof JsonString text ? utf8Length(text.getString()) : 0;
  }

  /** The bytes base64 text stands for (line breaks and padding are not data). */
  private static long decodedLength(JsonValue value) {
    if (!(value instanceof JsonString text)) {
      return 0;
    }
    long symbols = text.getString().chars().filter(c -> c != '=' && c != '\r' && c != '\n').count();
    return symbols * 3 / 4;
  }

  /** A string's length in UTF-8, as Go's {@code len} counts it. */
  static long utf8Length(String text) {
    long length = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      length += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
    }
    return length;
  }
}
