package dev.capstan.validation.schema;

import jakarta.json.Json;
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
   * The object without its unknown fields, as Kubernetes stores what it decoded into its types:
   * what {@code Warn} and {@code Ignore} let through is dropped, not kept.
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
        array.forEach(element -> kept.add(prune(element, arguments[0])));
        return kept.build();
      }
      if (Map.class.isAssignableFrom(raw) && value instanceof JsonObject map) {
        JsonObjectBuilder kept = Json.createObjectBuilder();
        map.forEach((key, child) -> kept.add(key, prune(child, arguments[1])));
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
      if (childType != null) {
        kept.add(key, prune(child, childType));
      }
    });
    return kept.build();
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
  private static boolean isStructured(Class<?> type) {
    return type.getName().startsWith(MODEL_PACKAGE) && !type.isInterface() && !type.isEnum()
        && !LEAF_TYPES.contains(type.getName());
  }

  private static Map<String, Type> properties(Class<?> modelClass) {
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
