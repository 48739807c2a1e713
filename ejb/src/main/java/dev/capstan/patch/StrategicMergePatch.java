package dev.capstan.patch;

import dev.capstan.jsonp.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Kubernetes' strategic merge patch, what {@code kubectl apply}, {@code edit}, {@code label},
 * {@code annotate}, {@code scale} and {@code set image} send.
 *
 * <p>Maps merge recursively and {@code null} deletes a key. Lists with a merge key (see
 * {@link MergeKeys}) merge element by element on that key, new elements appended; primitive lists
 * with the merge strategy ({@code metadata.finalizers}) merge as sets; every other list is
 * replaced. Directives: {@code $patch: replace|merge|delete} on maps and keyed list elements,
 * {@code $retainKeys}, {@code $deleteFromPrimitiveList/<field>} and
 * {@code $setElementOrder/<field>}.
 *
 * <p>Not implemented: merge keys and strategies come from a path-shape table rather than each
 * kind's OpenAPI schema, so custom fields behave as plain merge patch fields.
 */
public final class StrategicMergePatch {

  private static final String PATCH = "$patch";
  private static final String RETAIN_KEYS = "$retainKeys";
  private static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList/";
  private static final String SET_ELEMENT_ORDER = "$setElementOrder/";

  private StrategicMergePatch() {}

  public static JsonObject apply(JsonObject original, JsonObject patch) {
    JsonObject result = mergeMap(original, patch, "");
    if (result == null) {
      throw new InvalidPatchException("$patch: delete cannot delete the whole object");
    }
    return result;
  }

  /** The merged map, or null when the patch deletes it. */
  private static JsonObject mergeMap(JsonObject original, JsonObject patch, String path) {
    String directive = patch.getString(PATCH, "merge");
    switch (directive) {
      case "replace":
        return withoutDirectives(patch);
      case "delete":
        return null;
      case "merge":
        break;
      default:
        throw new InvalidPatchException("unknown $patch directive \"" + directive + "\" at "
            + describe(path));
    }
    Map<String, JsonValue> result = new LinkedHashMap<>(original);
    Map<String, JsonArray> orders = new LinkedHashMap<>();
    for (Map.Entry<String, JsonValue> entry : patch.entrySet()) {
      String key = entry.getKey();
      JsonValue value = entry.getValue();
      if (key.equals(PATCH) || key.equals(RETAIN_KEYS)) {
        continue;
      }
      if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
        String field = key.substring(DELETE_FROM_PRIMITIVE_LIST.length());
        result.put(field, deleteFromList(result.get(field), array(value, key, path)));
        continue;
      }
      if (key.startsWith(SET_ELEMENT_ORDER)) {
        orders.put(key.substring(SET_ELEMENT_ORDER.length()), array(value, key, path));
        continue;
      }
      if (key.startsWith("$")) {
        throw new InvalidPatchException("unknown directive \"" + key + "\" at " + describe(path));
      }
      String childPath = path.isEmpty() ? key : path + "." + key;
      if (value == JsonValue.NULL) {
        result.remove(key);
      } else if (value instanceof JsonObject patchMap) {
        JsonObject base = result.get(key) instanceof JsonObject m ? m : JsonValue.EMPTY_JSON_OBJECT;
        JsonObject merged = mergeMap(base, patchMap, childPath);
        if (merged == null) {
          result.remove(key);
        } else {
          result.put(key, merged);
        }
      } else if (value instanceof JsonArray patchList) {
        JsonArray base = result.get(key) instanceof JsonArray a ? a : JsonValue.EMPTY_JSON_ARRAY;
        result.put(key, mergeList(base, patchList, childPath));
      } else {
        result.put(key, value);
      }
    }
    orders.forEach((field, order) -> {
      if (result.get(field) instanceof JsonArray list) {
        String childPath = path.isEmpty() ? field : path + "." + field;
        result.put(field, reorder(list, order, MergeKeys.keyOf(childPath)));
      }
    });
    if (patch.get(RETAIN_KEYS) instanceof JsonArray retain) {
      Set<String> keep = Set.copyOf(strings(retain, RETAIN_KEYS, path));
      result.keySet().removeIf(key -> !keep.contains(key) && !patch.containsKey(key));
    }
    JsonObjectBuilder builder = Json.createObjectBuilder();
    result.forEach(builder::add);
    return builder.build();
  }

  private static JsonArray mergeList(JsonArray original, JsonArray patch, String path) {
    for (JsonValue element : patch) {
      if (element instanceof JsonObject map && "replace".equals(map.getString(PATCH, ""))
          && map.size() == 1) {
        List<JsonValue> rest = new ArrayList<>(patch);
        rest.remove(element);
        return withoutDirectives(Json.createArrayBuilder(rest).build());
      }
    }
    Optional<String> mergeKey = MergeKeys.keyOf(path);
    if (mergeKey.isPresent()) {
      return mergeKeyed(original, patch, path, mergeKey.get());
    }
    if (MergeKeys.isSet(path)) {
      List<JsonValue> union = new ArrayList<>(original);
      patch.stream().filter(value -> !union.contains(value)).forEach(union::add);
      return Json.createArrayBuilder(union).build();
    }
    return withoutDirectives(patch);
  }

  private static JsonArray mergeKeyed(JsonArray original, JsonArray patch, String path,
      String mergeKey) {
    List<JsonValue> result = new ArrayList<>(original);
    for (JsonValue element : patch) {
      if (!(element instanceof JsonObject patchElement) || !patchElement.containsKey(mergeKey)) {
        throw new InvalidPatchException("an element of " + describe(path)
            + " does not contain its merge key \"" + mergeKey + "\"");
      }
      JsonValue keyValue = patchElement.get(mergeKey);
      int index = indexOf(result, mergeKey, keyValue);
      if ("delete".equals(patchElement.getString(PATCH, ""))) {
        result.removeIf(existing -> existing instanceof JsonObject o && keyValue.equals(o.get(mergeKey)));
        continue;
      }
      JsonObject base = index >= 0 ? (JsonObject) result.get(index) : JsonValue.EMPTY_JSON_OBJECT;
      JsonObject merged = mergeMap(base, patchElement, path + "[]");
      if (merged == null) {
        continue;
      }
      if (index >= 0) {
        result.set(index, merged);
      } else {
        result.add(merged);
      }
    }
    return Json.createArrayBuilder(result).build();
  }

  /** The list ordered as {@code order} says; elements it does not name follow in their order. */
  private static JsonArray reorder(JsonArray list, JsonArray order, Optional<String> mergeKey) {
    List<JsonValue> remaining = new ArrayList<>(list);
    JsonArrayBuilder ordered = Json.createArrayBuilder();
    for (JsonValue wanted : order) {
      JsonValue identity = mergeKey.isPresent() && wanted instanceof JsonObject o
          ? o.get(mergeKey.get()) : wanted;
      for (int i = 0; i < remaining.size(); i++) {
        JsonValue candidate = remaining.get(i);
        JsonValue candidateIdentity = mergeKey.isPresent() && candidate instanceof JsonObject o
            ? o.get(mergeKey.get()) : candidate;
        if (identity != null && identity.equals(candidateIdentity)) {
          ordered.add(candidate);
          remaining.remove(i);
          break;
        }
      }
    }
    remaining.forEach(ordered::add);
    return ordered.build();
  }

  private static JsonValue deleteFromList(JsonValue list, JsonArray values) {
    if (!(list instanceof JsonArray array)) {
      return list == null ? JsonValue.EMPTY_JSON_ARRAY : list;
    }
    JsonArrayBuilder kept = Json.createArrayBuilder();
    array.stream().filter(value -> !values.contains(value)).forEach(kept::add);
    return kept.build();
  }

  private static int indexOf(List<JsonValue> list, String mergeKey, JsonValue keyValue) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i) instanceof JsonObject o && keyValue.equals(o.get(mergeKey))) {
        return i;
      }
    }
    return -1;
  }

  /** A value from the patch with any {@code $} directives removed, at every depth. */
  @SuppressWarnings("unchecked")
  private static <T extends JsonValue> T withoutDirectives(T value) {
    if (value instanceof JsonObject map) {
      JsonObjectBuilder clean = Json.createObjectBuilder();
      map.forEach((key, child) -> {
        if (!key.startsWith("$")) {
          clean.add(key, withoutDirectives(child));
        }
      });
      return (T) clean.build();
    }
    if (value instanceof JsonArray list) {
      JsonArrayBuilder clean = Json.createArrayBuilder();
      list.forEach(child -> clean.add(withoutDirectives(child)));
      return (T) clean.build();
    }
    return value;
  }

  private static JsonArray array(JsonValue value, String key, String path) {
    if (!(value instanceof JsonArray array)) {
      throw new InvalidPatchException(key + " at " + describe(path) + " must be a list");
    }
    return array;
  }

  private static List<String> strings(JsonArray array, String key, String path) {
    List<String> strings = new ArrayList<>();
    for (JsonValue value : array) {
      if (!(value instanceof JsonString string)) {
        throw new InvalidPatchException(key + " at " + describe(path) + " must list field names");
      }
      strings.add(string.getString());
    }
    return strings;
  }

  private static String describe(String path) {
    return path.isEmpty() ? "the top level" : path;
  }
}
