package dev.capstan.validation.schema;

import dev.capstan.validation.Quantities;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks that every value of a submitted object has the JSON type its field has in Kubernetes'
 * schema, as kube-apiserver finds out by decoding the body into its Go types: a string where a
 * string belongs, a whole number within {@code int32} for {@code replicas}, an object for
 * {@code metadata}, base64 for a Secret's {@code data}. Without this an object such as a ConfigMap
 * whose {@code data} holds a number would be stored, and every Go client reading it afterwards
 * (kubectl included) would fail to decode it.
 *
 * <p>The schema is fabric8's model classes, walked as {@link UnknownFields} walks them. The first
 * mismatch in document order is reported in Go's {@code encoding/json} words, which
 * kube-apiserver passes on: {@code json: cannot unmarshal number into Go struct field
 * ConfigMap.data of type string}. {@code null} is accepted anywhere (Go leaves the zero value);
 * free-form values ({@code Object}, raw extensions) are not looked into; fields the kind does not
 * have are {@link UnknownFields}' concern.
 */
public final class TypedFields {

  private static final String MODEL = "io.fabric8.kubernetes.api.model.";
  private static final BigInteger INT32_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
  private static final BigInteger INT32_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
  private static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  /** Fields Go declares {@code map[string][]byte}: their values are base64 text in JSON. */
  private static final Set<String> BYTE_MAPS = Set.of(MODEL + "Secret.data", MODEL + "ConfigMap.binaryData");

  private TypedFields() {}

  /**
   * Go's decoding error for the first value of {@code object} that does not fit its field, e.g.
   * {@code json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type
   * int32}; empty when every value fits.
   */
  public static Optional<String> mismatch(JsonObject object, Class<?> modelClass) {
    return Optional.ofNullable(check(object, modelClass, null, "", false));
  }

  /**
   * @param struct the Go struct (model class) whose field this is, or null at the top
   * @param path the field's path from the object's top, without indexes or keys, as Go prints it
   * @param bytes whether the value is Go's {@code []byte} (base64 in JSON)
   * @return the error, or null when the value fits
   */
  private static String check(JsonValue value, Type type, String struct, String path,
      boolean bytes) {
    if (value == null || value == JsonValue.NULL) {
      return null;
    }
    if (bytes) {
      if (!(value instanceof JsonString text)) {
        return fieldError(kind(value), struct, path, "[]uint8");
      }
      return Base64Text.problem(text.getString()).orElse(null);
    }
    if (type instanceof ParameterizedType parameterized
        && parameterized.getRawType() instanceof Class<?> raw) {
      Type[] arguments = parameterized.getActualTypeArguments();
      if (Collection.class.isAssignableFrom(raw)) {
        if (!(value instanceof JsonArray array)) {
          return fieldError(kind(value), struct, path, goType(type));
        }
        for (JsonValue element : array) {
          String error = check(element, arguments[0], struct, path, false);
          if (error != null) {
            return error;
          }
        }
        return null;
      }
      if (Map.class.isAssignableFrom(raw)) {
        if (!(value instanceof JsonObject map)) {
          return fieldError(kind(value), struct, path, goType(type));
        }
        for (JsonValue child : map.values()) {
          String error = check(child, arguments[1], struct, path, false);
          if (error != null) {
            return error;
          }
        }
        return null;
      }
      return null;
    }
    if (!(type instanceof Class<?> c)) {
      return null;
    }
    if (c == String.class) {
      return value instanceof JsonString ? null : fieldError(kind(value), struct, path, "string");
    }
    if (c == Integer.class || c == int.class) {
      return integer(value, INT32_MIN, INT32_MAX)
          ? null : fieldError(numberKind(value), struct, path, "int32");
    }
    if (c == Long.class || c == long.class) {
      return integer(value, INT64_MIN, INT64_MAX)
          ? null : fieldError(numberKind(value), struct, path, "int64");
    }
    if (c == Boolean.class || c == boolean.class) {
      return value == JsonValue.TRUE || value == JsonValue.FALSE
          ? null : fieldError(kind(value), struct, path, "bool");
    }
    if (c == Double.class || c == Float.class || c == double.class || c == float.class) {
      return value instanceof JsonNumber ? null : fieldError(kind(value), struct, path, "float64");
    }
    switch (c.getName()) {
      case MODEL + "IntOrString" -> {
        // intstr.IntOrString: a string, or else whatever Go decodes into an int32
        return value instanceof JsonString || integer(value, INT32_MIN, INT32_MAX)
            ? null : valueError(numberKind(value), "int32");
      }
      case MODEL + "Quantity" -> {
        // resource.Quantity parses a string or a bare number, and says only this when it fails
        String text = value instanceof JsonString string ? string.getString()
            : value instanceof JsonNumber number ? number.toString() : null;
        return text != null && Quantities.isValid(text.strip()) ? null : Quantities.problem();
      }
      case MODEL + "MicroTime", MODEL + "Duration" -> {
        return value instanceof JsonString ? null : valueError(kind(value), "string");
      }
      default -> { }
    }
    if (!UnknownFields.isStructured(c)) {
      return null;
    }
    if (!(value instanceof JsonObject object)) {
      return fieldError(kind(value), struct, path, goType(c));
    }
    Map<String, Type> properties = UnknownFields.properties(c);
    for (Map.Entry<String, JsonValue> member : object.entrySet()) {
      Type childType = properties.get(member.getKey());
      if (childType == null) {
        continue;
      }
      String childPath = path.isEmpty() ? member.getKey() : path + "." + member.getKey();
      String error = mapOrValue(member.getValue(), childType, c, member.getKey(), childPath);
      if (error != null) {
        return error;
      }
    }
    return null;
  }

  /** A field's value; Go names the field in errors, never a map key or a list index. */
  private static String mapOrValue(JsonValue value, Type type, Class<?> owner, String name,
      String path) {
    String struct = owner.getSimpleName();
    if (!BYTE_MAPS.contains(owner.getName() + "." + name)) {
      return check(value, type, struct, path, false);
    }
    if (value == JsonValue.NULL) {
      return null;
    }
    if (!(value instanceof JsonObject map)) {
      return fieldError(kind(value), struct, path, "map[string][]uint8");
    }
    for (JsonValue child : map.values()) {
      String error = check(child, type, struct, path, true);
      if (error != null) {
        return error;
      }
    }
    return null;
  }

  private static boolean integer(JsonValue value, BigInteger min, BigInteger max) {
    if (!(value instanceof JsonNumber number)) {
      return false;
    }
    BigDecimal decimal = number.bigDecimalValue();
    if (decimal.scale() != 0) {
      return false; // 1.5, 1.0 and 1E10 alike: Go's ParseInt takes digits only
    }
    BigInteger whole = decimal.toBigInteger();
    return whole.compareTo(min) >= 0 && whole.compareTo(max) <= 0;
  }

  private static String fieldError(String valueKind, String struct, String path, String goType) {
    if (struct == null) {
      return valueError(valueKind, goType);
    }
    return "json: cannot unmarshal " + valueKind + " into Go struct field " + struct + "." + path
        + " of type " + goType;
  }

  private static String valueError(String valueKind, String goType) {
    return "json: cannot unmarshal " + valueKind + " into Go value of type " + goType;
  }

  /** What Go calls a JSON value in its errors. */
  private static String kind(JsonValue value) {
    return switch (value.getValueType()) {
      case STRING -> "string";
      case NUMBER -> "number";
      case TRUE, FALSE -> "bool";
      case ARRAY -> "array";
      case OBJECT -> "object";
      case NULL -> "null";
    };
  }

  /** For numeric fields Go also quotes the number: {@code number 1.5}. */
  private static String numberKind(JsonValue value) {
    return value instanceof JsonNumber number ? "number " + number : kind(value);
  }

  /** Go's name of the type a field has, e.g. {@code []v1.Container}, {@code map[string]string}. */
  static String goType(Type type) {
    if (type instanceof ParameterizedType parameterized
        && parameterized.getRawType() instanceof Class<?> raw) {
      Type[] arguments = parameterized.getActualTypeArguments();
      if (Collection.class.isAssignableFrom(raw)) {
        return "[]" + goType(arguments[0]);
      }
      if (Map.class.isAssignableFrom(raw)) {
        return "map[string]" + goType(arguments[1]);
      }
    }
    if (!(type instanceof Class<?> c)) {
      return "interface {}";
    }
    if (c == String.class) {
      return "string";
    }
    if (c == Integer.class) {
      return "int32";
    }
    if (c == Long.class) {
      return "int64";
    }
    if (c == Boolean.class) {
      return "bool";
    }
    if (c == Double.class || c == Float.class) {
      return "float64";
    }
    return switch (c.getName()) {
      case MODEL + "Quantity" -> "resource.Quantity";
      case MODEL + "IntOrString" -> "intstr.IntOrString";
      default -> c.getName().startsWith(MODEL) ? "v1." + c.getSimpleName() : "interface {}";
    };
  }
}
