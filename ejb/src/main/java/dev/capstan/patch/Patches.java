package dev.capstan.patch;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * Applies a patch of any supported type to an object. JSON Patch and JSON Merge Patch are
 * Jakarta JSON-P's own implementations; strategic merge is {@link StrategicMergePatch}.
 */
public final class Patches {

  private Patches() {}

  /**
   * @return the patched object (the inputs are not changed)
   * @throws InvalidPatchException if the patch is malformed, fails (e.g. a JSON Patch
   *     {@code test}), or does not leave an object
   */
  public static JsonObject apply(PatchType type, JsonObject target, JsonValue patch) {
    JsonValue result;
    try {
      result = switch (type) {
        case JSON_PATCH -> {
          if (!(patch instanceof JsonArray operations)) {
            throw new InvalidPatchException("a JSON Patch must be an array of operations");
          }
          yield Json.createPatch(operations).apply(target);
        }
        case MERGE_PATCH -> {
          requireObject(patch);
          yield Json.createMergePatch(patch).apply(target);
        }
        case STRATEGIC_MERGE_PATCH -> StrategicMergePatch.apply(target, requireObject(patch));
      };
    } catch (JsonException | ClassCastException e) {
      throw new InvalidPatchException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
    }
    if (!(result instanceof JsonObject object)) {
      throw new InvalidPatchException("the patched document is not an object");
    }
    return object;
  }

  private static JsonObject requireObject(JsonValue patch) {
    if (!(patch instanceof JsonObject object)) {
      throw new InvalidPatchException("a merge patch must be a JSON object");
    }
    return object;
  }
}
