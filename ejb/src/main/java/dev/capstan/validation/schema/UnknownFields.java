package dev.capstan.validation.schema;

import dev.capstan.jsonp.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the fields of a submitted object that its kind does not have (a typo such as
 * {@code emptydir} for {@code emptyDir}), for {@code fieldValidation=Strict|Warn}.
 *
 * <p>The schema is Kubernetes' own, as fabric8's model classes carry it (they are generated from
 * Kubernetes' OpenAPI): each class's fields are the JSON properties, {@code List}s and
 * {@code Map}s say what their elements are. Free-form values (quantities, int-or-string,
 * raw extensions, {@code Object}) are not looked into.
 */
public final class UnknownFields {

  private static final Set<String> LEAF_TYPES = Set.of(
      "io.fabric8.kubernetes.api.model.IntOrString",
      "io.fabric8.kubernetes.api.model.Quantity",
      "io.fabric8.kubernetes.api.model.MicroTime",
      "io.fabric8.kubernetes.api.model.Duration");
  private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";

  /** Properties per model class, computed once. */
  private static final Map<Class<?>, Map<String, Type>> PROPERTIES = new ConcurrentHashMap<>();

  private UnknownFields() {}

  /** The paths of unknown fields in an object of the given model class, e.g. {@code spec.foo}. */
  public static List<String> of(JsonObject object, Class<?> modelClass) {
    List<String> unknown = new ArrayList<>();
    walk(object, modelClass, "", unknown);
    return unknown;
  }

  /**
   * The object as Kubernetes stores what it decoded into its types: without its unknown fields
   * (what {@code Warn} and {@code Ignore} let through is dropped, not kept), and with its
   * {@code null}s read as Go reads them. A {@code null} field is the field's zero value, which is
   * left out; a {@code null} element of a list or value of a map is the element type's zero
   * value: {@code {}} for an object (so validation then finds, say, {@code subjects[0].name}
   * missing, instead of skipping an element that is no object), {@code ""}, {@code 0} or
   * {@code false} for a scalar.
   */
  public static JsonObject pruned(JsonObject object, Class<?> modelClass) {
    return (JsonObject) prune(object, modelClass);
  }

  private static JsonValue prune(JsonValue value, Type type) {
    if (type instanceof ParameterizedType parameterized
        && parameterized.getRawType() instanceof Class<?> raw) {
      Type[] arguments = parameterized.getActualTypeArguments();
      if (Collection.class.isAssignableFrom(raw) && value instanceof JsonArray array) {
        JsonArrayBuilder kept = Json.createArrayBuilder();
        array.forEach(element -> kept.add(element == JsonValue.NULL ? zero(arguments[0])
            : prune(element, arguments[0])));
        return kept.build();
      }
      if (Map.class.isAssignableFrom(raw) && value instanceof JsonObject map) {
        JsonObjectBuilder kept = Json.createObjectBuilder();
        map.forEach((key, child) -> kept.add(key, child == JsonValue.NULL ? zero(arguments[1])
            : prune(child, arguments[1])));
        return kept.build();
      }
      return value;
    }
    if (!(type instanceof Class<?> modelClass) || !(value instanceof JsonObject object)
        || !isStructured(modelClass)) {
      return value;
    }
    Map<String, Type> properties = properties(modelClass);
    JsonObjectBuilder kept = Json.createObjectBuilder();
    object.forEach((key, child) -> {
      Type childType = properties.get(key);
      if (childType != null && child != JsonValue.NULL) {
        kept.add(key, prune(child, childType));
      }
    });
    return kept.build();
  }

  /**
   * Go's zero value of an element type, as JSON: {@code null} decodes to it. Lists, maps and
   * free-form values stay {@code null} (a nil slice or map is written as {@code null}).
   */
  private static JsonValue zero(Type type) {
    if (!(type instanceof Class<?> element)) {
      return JsonValue.NULL;
    }
    if (element == String.class) {
      return Json.createValue("");
    }
    if (element == Boolean.class) {
      return JsonValue.FALSE;
    }
    if (element == Integer.class || element == Long.class) {
      return Json.createValue(0);
    }
    return isStructured(element) ? JsonValue.EMPTY_JSON_OBJECT : JsonValue.NULL;
  }

  private static void walk(JsonValue value, Type type, String path, List<String> unknown) {
    if (type instanceof ParameterizedType parameterized
        && parameterized.getRawType() instanceof Class<?> raw) {
      Type[] arguments = parameterized.getActualTypeArguments();
      if (Collection.class.isAssignableFrom(raw) && value instanceof JsonArray array) {
        for (int i = 0; i < array.size(); i++) {
          walk(array.get(i), arguments[0], path + "[" + i + "]", unknown);
        }
      } else if (Map.class.isAssignableFrom(raw) && value instanceof JsonObject map) {
        map.forEach((key, child) -> walk(child, arguments[1], path + "[" + key + "]", unknown));
      }
      return;
    }
    if (!(type instanceof Class<?> modelClass) || !(value instanceof JsonObject object)
        || !isStructured(modelClass)) {
      return;
    }
    Map<String, Type> properties = properties(modelClass);
    object.forEach((key, child) -> {
      String childPath = path.isEmpty() ? key : path + "." + key;
      Type childType = properties.get(key);
      if (childType == null) {
        unknown.add(childPath);
      } else {
        walk(child, childType, childPath, unknown);
      }
    });
  }

  /** A model class whose JSON form is an object with known properties. */
  static boolean isStructured(Class<?> type) {
    return type.getName().startsWith(MODEL_PACKAGE) && !type.isInterface() && !type.isEnum()
        && !LEAF_TYPES.contains(type.getName());
  }

  static Map<String, Type> properties(Class<?> modelClass) {
    return PROPERTIES.computeIfAbsent(modelClass, type -> {
      Map<String, Type> properties = new TreeMap<>();
      for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
        for (Field field : c.getDeclaredFields()) {
          if (!Modifier.isStatic(field.getModifiers()) && !field.getName().equals("additionalProperties")) {
            properties.putIfAbsent(JsonNames.of(field), field.getGenericType());
          }
        }
      }
      return Map.copyOf(properties);
    });
  }
}
