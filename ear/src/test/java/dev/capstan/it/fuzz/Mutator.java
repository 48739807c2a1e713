package dev.capstan.it.fuzz;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The mutations of a manifest, each drawn from a seeded random source so that a seed names one
 * body exactly: types swapped (string, number, object, array, bool, null into one another), deep
 * nesting, huge values, control characters and {@code \u0000}, odd field names, removed fields,
 * edge numbers and strings, and the metadata fields the API server owns.
 */
final class Mutator {

  /** Strings a careless or hostile client sends. */
  static final List<String> EDGE_STRINGS = List.of("", " ", "\u0000", "a\u0000b", "\u0001\u001f\u007f",
      "line\nbreak", "tab\there", "../x", "x/../../y", "UPPER", "-leading", "trailing-", "a..b",
      "ünïcödé", "\uD83D\uDE00", "\u202Eltr", "\uFEFFbom", "\\", "\"", "'", "${env}", "%00", "%zz",
      "*", "a=b", "a,b", "!x", "0", "-1", "1.5", "true", "null", "{}", "[]", "1e400",
      "99999999999999999999", "2001-12-14", "abc", "x".repeat(64), "y".repeat(254),
      "z".repeat(1000), "12345678901234567890123456789012345678901234567890123456789012345",
      "<script>", "a b", "A_B", "a.b-c_d", "example.com/key", "/", "//", ":", "@", "#");

  /** Numbers at the edges of the Go types that Kubernetes decodes them into. */
  static final List<String> EDGE_NUMBERS = List.of("0", "-0", "-1", "1", "1.5", "-2.5", "1E10",
      "1e-7", "2147483647", "2147483648", "-2147483649", "4294967296", "9007199254740993",
      "9223372036854775807", "9223372036854775808", "-9223372036854775809",
      "123456789012345678901234567890", "1e308", "1E400", "0.0000000000000000000001");

  private final SplittableRandom random;

  Mutator(SplittableRandom random) {
    this.random = random;
  }

  boolean chance(double p) {
    return random.nextDouble() < p;
  }

  int between(int lowInclusive, int highInclusive) {
    return random.nextInt(lowInclusive, highInclusive + 1);
  }

  <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  /** Applies 1 to {@code max} mutations to the draft. */
  void mutate(Draft draft, int max) {
    int count = between(1, max);
    for (int i = 0; i < count; i++) {
      mutateOnce(draft);
    }
  }

  void mutateOnce(Draft draft) {
    List<List<Object>> paths = JsonTrees.paths(draft.tree(), 400);
    List<Object> path = pickPath(paths);
    JsonValue current = JsonTrees.get(draft.tree(), path);
    String where = JsonTrees.pointer(path);
    switch (random.nextInt(11)) {
      case 0, 1 -> {
        JsonValue swapped = swapType(current, draft);
        draft.tree(JsonTrees.replace(draft.tree(), path, swapped),
            "swap " + where + " " + current.getValueType() + " -> " + draft.describe(swapped));
      }
      case 2 -> {
        JsonValue value = junk(draft, 3);
        draft.tree(JsonTrees.replace(draft.tree(), path, value), "set " + where + " = "
            + draft.describe(value));
      }
      case 3 -> {
        if (!path.isEmpty()) {
          draft.tree(JsonTrees.replace(draft.tree(), path, null), "remove " + where);
        }
      }
      case 4 -> {
        List<Object> objectPath = objectPath(paths, draft.tree());
        String key = oddKey();
        JsonValue value = junk(draft, 2);
        List<Object> target = new ArrayList<>(objectPath);
        target.add(key);
        draft.tree(JsonTrees.replace(draft.tree(), target, value), "add field "
            + JsonTrees.pointer(target) + " = " + draft.describe(value));
      }
      case 5 -> {
        JsonValue deep = deep(draft);
        draft.tree(JsonTrees.replace(draft.tree(), path, deep), "nest " + where + " "
            + draft.describe(deep));
      }
      case 6 -> {
        if (chance(0.3)) {
          JsonValue huge = huge(draft);
          draft.tree(JsonTrees.replace(draft.tree(), path, huge), "huge " + where + " "
              + draft.describe(huge));
        } else {
          JsonValue edge = current.getValueType() == JsonValue.ValueType.NUMBER
              ? draft.raw(pick(EDGE_NUMBERS)) : Json.createValue(pick(EDGE_STRINGS));
          draft.tree(JsonTrees.replace(draft.tree(), path, edge), "edge " + where + " = "
              + draft.describe(edge));
        }
      }
      case 7 -> {
        String controls = controlString();
        JsonValue value = Json.createValue(current instanceof JsonString s
            ? s.getString() + controls : controls);
        draft.tree(JsonTrees.replace(draft.tree(), path, value), "control characters at "
            + where + " " + draft.describe(value));
      }
      default -> metadata(draft);
    }
  }

  /** Paths weighted towards the fields a server must type-check: metadata, data, spec. */
  private List<Object> pickPath(List<List<Object>> paths) {
    if (paths.size() > 1 && chance(0.9)) {
      return paths.get(1 + random.nextInt(paths.size() - 1));
    }
    return paths.get(0);
  }

  private List<Object> objectPath(List<List<Object>> paths, JsonValue root) {
    for (int tries = 0; tries < 20; tries++) {
      List<Object> path = paths.get(random.nextInt(paths.size()));
      if (JsonTrees.get(root, path) instanceof JsonObject) {
        return path;
      }
    }
    return List.of();
  }

  /** The metadata fields the server owns or checks, set to what it must refuse or ignore. */
  void metadata(Draft draft) {
    String[] fields = {"resourceVersion", "uid", "creationTimestamp", "deletionTimestamp",
        "generateName", "namespace", "name", "finalizers", "ownerReferences", "labels",
        "annotations", "managedFields", "generation", "deletionGracePeriodSeconds", "selfLink"};
    String field = fields[random.nextInt(fields.length)];
    JsonValue value = switch (field) {
      case "resourceVersion" -> Json.createValue(pick(List.of("abc", "99999999999999999999",
          "-1", "0", "1", "", "1.5", " 7")));
      case "uid" -> Json.createValue(pick(List.of("not-a-uid", "", "00000000-0000-0000-0000-000000000000")));
      case "creationTimestamp", "deletionTimestamp" -> Json.createValue(pick(List.of(
          "yesterday", "2020-01-01T00:00:00Z", "9999-99-99T99:99:99Z", "", "0")));
      case "finalizers" -> Json.createArrayBuilder().add(pick(EDGE_STRINGS))
          .add("example.com/fuzz").build();
      case "ownerReferences" -> Json.createArrayBuilder().add(Json.createObjectBuilder()
          .add("apiVersion", "v1").add("kind", pick(List.of("ConfigMap", "Nope", "")))
          .add("name", pick(EDGE_STRINGS)).add("uid", pick(List.of("u", "")))
          .add("controller", chance(0.5))).build();
      case "labels" -> Json.createObjectBuilder().add(oddKey(), pick(EDGE_STRINGS)).build();
      case "annotations" -> chance(0.5)
          ? Json.createObjectBuilder().add(oddKey(), junk(draft, 2)).build()
          : Json.createObjectBuilder().add("big", "a".repeat(pick(List.of(1000, 262_144,
              262_145, 300_000)))).build();
      case "managedFields" -> Json.createArrayBuilder().add(junk(draft, 2)).build();
      case "generation", "deletionGracePeriodSeconds" -> draft.raw(pick(EDGE_NUMBERS));
      default -> Json.createValue(pick(EDGE_STRINGS));
    };
    List<Object> path = List.of("metadata", field);
    if (!(draft.tree() instanceof JsonObject root && root.get("metadata") instanceof JsonObject)) {
      path = List.of("metadata");
      value = Json.createObjectBuilder().add(field, value).build();
    }
    draft.tree(JsonTrees.replace(draft.tree(), path, value), "metadata." + field + " = "
        + draft.describe(value));
  }

  /** The value as another JSON type, shaped from the original where one can be. */
  JsonValue swapType(JsonValue value, Draft draft) {
    return switch (value.getValueType()) {
      case STRING -> {
        String text = ((JsonString) value).getString();
        yield switch (random.nextInt(5)) {
          case 0 -> isNumber(text) ? draft.raw(text) : Json.createValue(text.length());
          case 1 -> Json.createObjectBuilder().add(text.isEmpty() ? "k" : text, text).build();
          case 2 -> Json.createArrayBuilder().add(text).build();
          case 3 -> random.nextBoolean() ? JsonValue.TRUE : JsonValue.FALSE;
          default -> JsonValue.NULL;
        };
      }
      case NUMBER -> switch (random.nextInt(5)) {
        case 0 -> Json.createValue(value.toString());
        case 1 -> Json.createObjectBuilder().add("value", value).build();
        case 2 -> Json.createArrayBuilder().add(value).build();
        case 3 -> JsonValue.TRUE;
        default -> JsonValue.NULL;
      };
      case OBJECT -> {
        JsonObject object = value.asJsonObject();
        yield switch (random.nextInt(5)) {
          case 0 -> {
            JsonArrayBuilder array = Json.createArrayBuilder();
            object.values().forEach(array::add);
            yield array.build();
          }
          case 1 -> Json.createValue(JsonTrees.write(object));
          case 2 -> Json.createValue(object.size());
          case 3 -> JsonValue.FALSE;
          default -> JsonValue.NULL;
        };
      }
      case ARRAY -> {
        JsonArray array = value.asJsonArray();
        yield switch (random.nextInt(5)) {
          case 0 -> {
            JsonObjectBuilder object = Json.createObjectBuilder();
            for (int i = 0; i < array.size(); i++) {
              object.add(String.valueOf(i), array.get(i));
            }
            yield object.build();
          }
          case 1 -> array.isEmpty() ? Json.createValue("") : array.get(0);
          case 2 -> Json.createValue(array.size());
          case 3 -> JsonValue.TRUE;
          default -> JsonValue.NULL;
        };
      }
      case TRUE, FALSE -> switch (random.nextInt(4)) {
        case 0 -> Json.createValue(value.toString());
        case 1 -> Json.createValue(value == JsonValue.TRUE ? 1 : 0);
        case 2 -> Json.createArrayBuilder().add(value).build();
        default -> JsonValue.NULL;
      };
      case NULL -> junk(draft, 2);
    };
  }

  /** Any JSON value, nested up to {@code depth}. */
  JsonValue junk(Draft draft, int depth) {
    int choice = random.nextInt(depth > 0 ? 9 : 6);
    return switch (choice) {
      case 0 -> Json.createValue(pick(EDGE_STRINGS));
      case 1 -> draft.raw(pick(EDGE_NUMBERS));
      case 2 -> random.nextBoolean() ? JsonValue.TRUE : JsonValue.FALSE;
      case 3 -> JsonValue.NULL;
      case 4 -> Json.createValue(controlString());
      case 5 -> Json.createValue(random.nextInt(-5, 100_000));
      case 6 -> {
        JsonObjectBuilder object = Json.createObjectBuilder();
        int size = random.nextInt(4);
        for (int i = 0; i < size; i++) {
          object.add(oddKey(), junk(draft, depth - 1));
        }
        yield object.build();
      }
      case 7 -> {
        JsonArrayBuilder array = Json.createArrayBuilder();
        int size = random.nextInt(4);
        for (int i = 0; i < size; i++) {
          array.add(junk(draft, depth - 1));
        }
        yield array.build();
      }
      default -> Json.createObjectBuilder().add("name", pick(EDGE_STRINGS))
          .add("value", junk(draft, depth - 1)).build();
    };
  }

  /** Field names a schema does not have, or that only look like one. */
  String oddKey() {
    return switch (random.nextInt(8)) {
      case 0 -> "";
      case 1 -> "\u0000";
      case 2 -> "$patch";
      case 3 -> "k" + random.nextInt(1000);
      case 4 -> "example.com/" + pick(EDGE_STRINGS);
      case 5 -> "x".repeat(pick(List.of(63, 64, 253, 254, 400)));
      case 6 -> pick(List.of("metadata", "kind", "apiVersion", "spec", "status", "data", "items",
          "Metadata", "KIND", "spec ", "__proto__", "constructor"));
      default -> pick(EDGE_STRINGS);
    };
  }

  String controlString() {
    StringBuilder text = new StringBuilder();
    int length = between(1, 6);
    for (int i = 0; i < length; i++) {
      text.append(random.nextInt(5) == 0 ? '\u0000' : (char) random.nextInt(0, 32));
      if (chance(0.3)) {
        text.append(pick(List.of("\u007f", "\u0085", "\u2028", "\uFFFE", "\uD800", "a")));
      }
    }
    return text.toString();
  }

  /** Arrays or objects nested 2 to 20,000 deep (Kubernetes decodes up to 10,000). */
  JsonValue deep(Draft draft) {
    int depth = pick(List.of(2, 50, 500, 999, 1000, 1001, 5000, 10_000, 10_001, 20_000));
    boolean arrays = random.nextBoolean();
    String open = arrays ? "[" : "{\"a\":";
    String close = arrays ? "]" : "}";
    String inner = random.nextBoolean() ? "1" : "\"x\"";
    return draft.raw(open.repeat(depth) + inner + close.repeat(depth));
  }

  /** Values around Kubernetes' limits: 256 KiB annotations, 1 MiB data, 1.5 MiB objects. */
  JsonValue huge(Draft draft) {
    return switch (random.nextInt(5)) {
      case 0 -> Json.createValue("h".repeat(pick(List.of(262_144, 1_048_576, 1_048_586,
          1_600_000))));
      case 1 -> {
        JsonArrayBuilder array = Json.createArrayBuilder();
        int size = pick(List.of(10_000, 100_000));
        for (int i = 0; i < size; i++) {
          array.add(i);
        }
        yield array.build();
      }
      case 2 -> {
        JsonObjectBuilder object = Json.createObjectBuilder();
        int size = pick(List.of(1_000, 20_000));
        for (int i = 0; i < size; i++) {
          object.add("k" + i, "v" + i);
        }
        yield object.build();
      }
      case 3 -> draft.raw("1" + "0".repeat(pick(List.of(400, 100_000))));
      default -> Json.createValue("s".repeat(pick(List.of(3_145_728, 3_200_000))));
    };
  }

  private static boolean isNumber(String text) {
    try {
      new BigDecimal(text);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  static String escape(String text) {
    return escape(text, 60);
  }

  /** The text with control characters and lone surrogates as escapes, cut at {@code limit}. */
  static String escape(String text, int limit) {
    StringBuilder out = new StringBuilder();
    int shown = 0;
    for (char c : text.toCharArray()) {
      if (shown++ >= limit) {
        out.append("...(").append(text.length()).append(" chars)");
        break;
      }
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || Character.isSurrogate(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

}
