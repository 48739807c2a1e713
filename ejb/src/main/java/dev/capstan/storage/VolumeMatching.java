package dev.capstan.storage;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.admission.StorageAdmission;
import dev.capstan.resources.Quantity;
import dev.capstan.selection.LabelSelector;
import dev.capstan.store.ObjectMetadata;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which PersistentVolume a claim binds to, as Kubernetes' binder chooses
 * ({@code findMatchingVolume}): a volume pre-bound to the claim (its {@code claimRef} names it)
 * if there is one; else, of the volumes bound to no claim and not being deleted, those of the
 * claim's class, volume mode and at least its access modes, storage request and label selector,
 * the smallest. Decided from plain objects alone.
 */
public final class VolumeMatching {

  private VolumeMatching() {}

  public static Optional<JsonObject> bestFor(JsonObject claim, List<JsonObject> volumes) {
    JsonObject metadata = object(claim, "metadata");
    String namespace = metadata.getString("namespace", "");
    String name = metadata.getString("name", "");
    String uid = metadata.getString("uid", "");
    Optional<JsonObject> preBound = volumes.stream()
        .filter(volume -> {
          JsonObject ref = object(object(volume, "spec"), "claimRef");
          return namespace.equals(ref.getString("namespace", ""))
              && name.equals(ref.getString("name", ""))
              && (ref.getString("uid", "").isEmpty() || ref.getString("uid", "").equals(uid));
        })
        .filter(volume -> !ObjectMetadata.isDeleting(volume))
        .findFirst();
    if (preBound.isPresent()) {
      return preBound;
    }
    JsonObject spec = object(claim, "spec");
    Optional<Quantity> request = Quantity.of(object(object(spec, "resources"), "requests")
        .get("storage"));
    LabelSelector selector = spec.get("selector") instanceof JsonObject given
        ? LabelSelector.fromJson(given) : LabelSelector.parse("");
    List<String> modes = strings(spec.get("accessModes"));
    return volumes.stream()
        .filter(volume -> object(object(volume, "spec"), "claimRef").isEmpty())
        .filter(volume -> !ObjectMetadata.isDeleting(volume))
        .filter(volume -> classOf(volume).equals(classOf(claim)))
        .filter(volume -> object(volume, "spec").getString("volumeMode", "Filesystem")
            .equals(spec.getString("volumeMode", "Filesystem")))
        .filter(volume -> strings(object(volume, "spec").get("accessModes")).containsAll(modes))
        .filter(volume -> request.isEmpty() || capacity(volume).compareTo(request.get()) >= 0)
        .filter(volume -> selector.matches(labels(volume)))
        .min(Comparator.comparing(VolumeMatching::capacity));
  }

  /** A volume's or claim's class: {@code storageClassName}, or the older beta annotation. */
  public static String classOf(JsonObject object) {
    JsonValue annotation = object(object(object, "metadata"), "annotations")
        .get(StorageAdmission.BETA_CLASS);
    if (annotation instanceof JsonString beta) {
      return beta.getString();
    }
    return object(object, "spec").getString("storageClassName", "");
  }

  public static Quantity capacity(JsonObject volume) {
    return Quantity.of(object(object(volume, "spec"), "capacity").get("storage"))
        .orElse(Quantity.ZERO);
  }

  private static List<String> strings(JsonValue value) {
    return value instanceof JsonArray array
        ? array.stream().filter(JsonString.class::isInstance)
            .map(v -> ((JsonString) v).getString()).toList()
        : List.of();
  }

  private static Map<String, String> labels(JsonObject object) {
    return object(object(object, "metadata"), "labels").entrySet().stream()
        .filter(e -> e.getValue() instanceof JsonString)
        .collect(Collectors.toMap(Map.Entry::getKey, e -> ((JsonString) e.getValue()).getString()));
  }
}
