package dev.capstan.patch;

import dev.capstan.jsonp.Json;
import dev.capstan.limits.JsonSize;
import dev.capstan.limits.RequestLimits;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonPointer;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;

/**
 * Applies a patch of any supported type to an object. JSON Patch and JSON Merge Patch are
 * Jakarta JSON-P's own implementations; strategic merge is {@link StrategicMergePatch}.
 *
 * <p>A JSON Patch is the one patch that can make an object much larger than itself: each
 * {@code copy} may double it (16 copies of {@code /data} into itself made an 854-byte request a
 * 66 MB object). As kube-apiserver, a JSON Patch has at most
 * {@link RequestLimits#MAX_PATCH_OPERATIONS} operations, and what its copies add together is
 * bounded ({@link RequestLimits#MAX_PATCH_COPY_BYTES}, kube's {@code JSONPatchMaxCopyBytes}):
 * the operations are applied one by one and each copied value measured without writing more of
 * it than the remaining allowance.
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
          yield applyJsonPatch(target, operations);
        }
        case MERGE_PATCH -> {
          requireObject(patch);
          yield Json.createMergePatch(patch).apply(target);
        }
        case STRATEGIC_MERGE_PATCH -> StrategicMergePatch.apply(target, requireObject(patch));
      };
    } catch (JsonException | ClassCastException e) {
      throw new InvalidPatchException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
    } catch (StackOverflowError e) {
      // values nested deeper than the merge recursion can follow (the body parser allows 10,000)
      throw new InvalidPatchException("the patch is nested too deeply to be applied");
    }
    if (!(result instanceof JsonObject object)) {
      throw new InvalidPatchException("the patched document is not an object");
    }
    return object;
  }

  private static JsonStructure applyJsonPatch(JsonObject target, JsonArray operations) {
    if (operations.size() > RequestLimits.MAX_PATCH_OPERATIONS) {
      throw new PatchTooLargeException("The allowed maximum operations in a JSON patch is "
          + RequestLimits.MAX_PATCH_OPERATIONS + ", got " + operations.size());
    }
    JsonStructure document = target;
    long copied = 0;
    for (JsonValue operation : operations) {
      if (operation instanceof JsonObject op && "copy".equals(op.getString("op", ""))
          && op.get("from") instanceof jakarta.json.JsonString from) {
        JsonPointer pointer = Json.createPointer(from.getString());
        if (pointer.containsValue(document)) {
          // measured whole (counted, not built): the document it is in holds at most what the
          // store took plus the copies so far, which stay under the limit
          copied += JsonSize.bytes(pointer.getValue(document), Long.MAX_VALUE - 1);
          if (copied > RequestLimits.MAX_PATCH_COPY_BYTES) {
            // json-patch's AccumulatedCopySizeError, word for word
            throw new InvalidPatchException("Unable to complete the copy, the accumulated size"
                + " increase of copy is " + copied + ", exceeding the limit "
                + RequestLimits.MAX_PATCH_COPY_BYTES);
          }
        }
      }
      document = Json.createPatch(Json.createArrayBuilder().add(operation).build())
          .apply(document);
    }
    return document;
  }

  private static JsonObject requireObject(JsonValue patch) {
    if (!(patch instanceof JsonObject object)) {
      throw new InvalidPatchException("a merge patch must be a JSON object");
    }
    return object;
  }
}
