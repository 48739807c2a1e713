package dev.capstan.validation.schema;

import dev.capstan.jsonp.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * OpenAPI v3 component schemas for a kind and everything it contains, generated from the same
 * fabric8 model classes {@link UnknownFields} reads: object types with their properties, arrays,
 * maps, scalars, and {@code $ref}s between them. What {@code kubectl explain} walks. The classes
 * carry no field documentation, so the schemas have none.
 */
public final class OpenApiSchemas {

  private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";
  private static final Set<String> INT_OR_STRING = Set.of(
      "io.fabric8.kubernetes.api.model.IntOrString", "io.fabric8.kubernetes.api.model.Quantity");

  private OpenApiSchemas() {}

  /** The schema name a model class is published under, e.g. {@code io.k8s.api.core.v1.PodSpec}. */
  public static String nameOf(Class<?> modelClass) {
    String name = modelClass.getName();
    String subPackage = name.substring(MODEL_PACKAGE.length(), name.lastIndexOf('.'));
    String group = subPackage.isEmpty() ? "core.v1" : subPackage.substring(1).replace(".v1", "") + ".v1";
    return "io.k8s.api." + group + "." + modelClass.getSimpleName();
  }

  /** The schemas of the given kinds' classes and all they reference, by schema name. */
  public static Map<String, JsonObject> of(Collection<Class<?>> kinds) {
    Map<String, JsonObject> schemas = new LinkedHashMap<>();
    Deque<Class<?>> pending = new ArrayDeque<>(kinds);
    while (!pending.isEmpty()) {
      Class<?> type = pending.pop();
      if (schemas.containsKey(nameOf(type))) {
        continue;
      }
      JsonObjectBuilder properties = Json.createObjectBuilder();
      for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
        for (Field field : c.getDeclaredFields()) {
          if (!Modifier.isStatic(field.getModifiers()) && !field.getName().equals("additionalProperties")) {
            properties.add(JsonNames.of(field), property(field.getGenericType(), pending));
          }
        }
      }
      schemas.put(nameOf(type), Json.createObjectBuilder()
          .add("type", "object")
          .add("properties", properties)
          .build());
    }
    return schemas;
  }

  private static JsonObject property(Type type, Deque<Class<?>> pending) {
    if (type instanceof ParameterizedType parameterized
        && parameterized.getRawType() instanceof Class<?> raw) {
      Type[] arguments = parameterized.getActualTypeArguments();
      if (Collection.class.isAssignableFrom(raw)) {
        return Json.createObjectBuilder().add("type", "array")
            .add("items", property(arguments[0], pending)).build();
      }
      if (Map.class.isAssignableFrom(raw)) {
        return Json.createObjectBuilder().add("type", "object")
            .add("additionalProperties", property(arguments[1], pending)).build();
      }
    }
    if (!(type instanceof Class<?> c)) {
      return Json.createObjectBuilder().add("type", "object").build();
    }
    if (c == String.class || c.isEnum()) {
      return Json.createObjectBuilder().add("type", "string").build();
    }
    if (c == Boolean.class || c == boolean.class) {
      return Json.createObjectBuilder().add("type", "boolean").build();
    }
    if (c == Integer.class || c == int.class || c == Long.class || c == long.class) {
      return Json.createObjectBuilder().add("type", "integer")
          .add("format", c == Long.class || c == long.class ? "int64" : "int32").build();
    }
    if (Number.class.isAssignableFrom(c) || c == double.class || c == float.class) {
      return Json.createObjectBuilder().add("type", "number").build();
    }
    if (INT_OR_STRING.contains(c.getName())) {
      return Json.createObjectBuilder().add("x-kubernetes-int-or-string", true).build();
    }
    if (c.getName().startsWith(MODEL_PACKAGE) && !c.isInterface()) {
      pending.add(c);
      return Json.createObjectBuilder().add("allOf", Json.createArrayBuilder()
          .add(Json.createObjectBuilder().add("$ref", "#/components/schemas/" + nameOf(c)))).build();
    }
    return Json.createObjectBuilder().add("type", "object")
        .add("x-kubernetes-preserve-unknown-fields", true).build();
  }
}
