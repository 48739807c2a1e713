package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.jsonp.Json;
import dev.capstan.store.ObjectMetadata;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * The finalizers through which deletion propagates, as in Kubernetes: an owner deleted with
 * {@code propagationPolicy: Orphan} gets {@code orphan}, one deleted with {@code Foreground} gets
 * {@code foregroundDeletion}; the garbage collector does the work and removes them.
 * {@code Background} (the default) needs none: the owner goes at once and its dependents after.
 */
public final class GarbageCollection {

  public static final String ORPHAN = "orphan";
  public static final String FOREGROUND = "foregroundDeletion";

  private GarbageCollection() {}

  public static Optional<String> finalizerFor(Optional<String> propagationPolicy) {
    return propagationPolicy.flatMap(policy -> switch (policy) {
      case "Orphan" -> Optional.of(ORPHAN);
      case "Foreground" -> Optional.of(FOREGROUND);
      default -> Optional.empty();
    });
  }

  public static JsonObject withFinalizer(JsonObject object, String finalizer) {
    List<String> finalizers = ObjectMetadata.finalizers(object);
    if (finalizers.contains(finalizer)) {
      return object;
    }
    JsonArrayBuilder updated = Json.createArrayBuilder();
    finalizers.forEach(updated::add);
    updated.add(finalizer);
    return Json.createObjectBuilder(object).add("metadata",
        Json.createObjectBuilder(object(object, "metadata")).add("finalizers", updated)).build();
  }

  static JsonObject withoutFinalizer(JsonObject object, String finalizer) {
    JsonArrayBuilder kept = Json.createArrayBuilder();
    ObjectMetadata.finalizers(object).stream().filter(f -> !f.equals(finalizer))
        .forEach(kept::add);
    return Json.createObjectBuilder(object).add("metadata",
        Json.createObjectBuilder(object(object, "metadata")).add("finalizers", kept)).build();
  }
}
