package dev.capstan.admission;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.jsonp.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.Comparator;
import java.util.List;

/**
 * Kubernetes' two storage admission plugins: DefaultStorageClass (a claim that names no class,
 * {@code storageClassName} absent rather than {@code ""}, gets the default StorageClass: the one
 * annotated {@code storageclass.kubernetes.io/is-default-class: "true"}, the newest if several)
 * and StorageObjectInUseProtection (every claim gets the {@code kubernetes.io/pvc-protection}
 * finalizer and every volume {@code kubernetes.io/pv-protection}, which their controllers
 * remove once no pod uses the claim, no claim is bound to the volume).
 */
public final class StorageAdmission {

  public static final String PVC_PROTECTION = "kubernetes.io/pvc-protection";
  public static final String PV_PROTECTION = "kubernetes.io/pv-protection";
  public static final String DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class";
  /** The beta annotation that named a claim's class before {@code storageClassName}. */
  public static final String BETA_CLASS = "volume.beta.kubernetes.io/storage-class";

  private StorageAdmission() {}

  /** The claim with the default class, if it names none and a class is the default. */
  static JsonObject withDefaultClass(JsonObject claim, List<JsonObject> storageClasses) {
    JsonObject spec = object(claim, "spec");
    if (spec.get("storageClassName") instanceof JsonString
        || object(object(claim, "metadata"), "annotations").containsKey(BETA_CLASS)) {
      return claim;
    }
    return storageClasses.stream()
        .filter(StorageAdmission::isDefault)
        .max(Comparator.comparing((JsonObject c) -> object(c, "metadata")
            .getString("creationTimestamp", "")).thenComparing(c -> object(c, "metadata")
            .getString("name", "")))
        .map(c -> Json.createObjectBuilder(claim).add("spec", Json.createObjectBuilder(spec)
            .add("storageClassName", object(c, "metadata").getString("name", ""))).build())
        .orElse(claim);
  }

  public static boolean isDefault(JsonObject storageClass) {
    return object(object(storageClass, "metadata"), "annotations").get(DEFAULT_CLASS)
        instanceof JsonString value && value.getString().equals("true");
  }

  static JsonObject protect(JsonObject object, String finalizer) {
    JsonObject metadata = object(object, "metadata");
    JsonArrayBuilder finalizers = Json.createArrayBuilder();
    boolean present = false;
    if (metadata.get("finalizers") instanceof jakarta.json.JsonArray existing) {
      for (JsonValue value : existing) {
        finalizers.add(value);
        present |= value instanceof JsonString name && name.getString().equals(finalizer);
      }
    }
    if (present) {
      return object;
    }
    finalizers.add(finalizer);
    return Json.createObjectBuilder(object).add("metadata",
        Json.createObjectBuilder(metadata).add("finalizers", finalizers)).build();
  }
}
