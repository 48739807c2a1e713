package dev.capstan.validation.schema;

import java.lang.reflect.Field;
import java.util.Map;

/**
 * The JSON name of a fabric8 model field. It is the Java field's name except where Java forbids
 * the Kubernetes name: keywords get a leading underscore ({@code _default} in LimitRange items is
 * {@code default}), and {@code DaemonEndpoint.Port} starts with a capital. fabric8 says so with
 * Jackson's {@code @JsonProperty}, which Capstan does not load; this is the same list, checked
 * against those annotations by {@code JsonNamesTest}.
 */
final class JsonNames {

  private static final Map<String, String> CAPITALIZED = Map.of(
      "io.fabric8.kubernetes.api.model.DaemonEndpoint.port", "Port",
      "io.fabric8.kubernetes.api.model.MicroTime.time", "Time");

  private JsonNames() {}

  static String of(Field field) {
    String special = CAPITALIZED.get(field.getDeclaringClass().getName() + "." + field.getName());
    if (special != null) {
      return special;
    }
    return field.getName().startsWith("_") ? field.getName().substring(1) : field.getName();
  }
}
