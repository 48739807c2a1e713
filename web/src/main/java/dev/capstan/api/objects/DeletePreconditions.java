package dev.capstan.api.objects;

import dev.capstan.api.status.Statuses;
import dev.capstan.kinds.ResourceType;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.Preconditions;
import jakarta.json.JsonObject;
import java.util.Optional;

/**
 * A DELETE's preconditions checked on the object as read, before anything is written, in the
 * words of the kube-apiserver code that checks them there, since clients and scripts match on
 * them. The store checks them again as it writes ({@code ConflictException.preconditionFailed},
 * the storage layer's {@code StorageError}), which only a concurrent change reaches.
 */
final class DeletePreconditions {

  private DeletePreconditions() {}

  /**
   * {@code rest.BeforeDelete}: 409 on the object's kind (with its group),
   * {@code Operation cannot be fulfilled on ConfigMap "cm": the UID in the precondition (x) does
   * not match the UID in record (y). The object might have been deleted and then recreated}, and
   * for a resourceVersion {@code ... the ResourceVersion in the precondition (a) does not match
   * the ResourceVersion in record (b). The object might have been modified} (compared as strings).
   */
  static void check(ResourceType type, JsonObject current, Preconditions preconditions) {
    String kind = type.group().isEmpty() ? type.kind() : type.kind() + "." + type.group();
    String name = ObjectMetadata.metadata(current).getString("name", "");
    String uid = ObjectMetadata.metadata(current).getString("uid", "");
    if (preconditions.uid().isPresent() && !preconditions.uid().get().equals(uid)) {
      throw Statuses.conflict(kind, name, "the UID in the precondition ("
          + preconditions.uid().get() + ") does not match the UID in record (" + uid
          + "). The object might have been deleted and then recreated");
    }
    String version = ObjectMetadata.metadata(current).getString("resourceVersion", "");
    Optional<String> wanted = wantedVersion(preconditions);
    if (wanted.isPresent() && !wanted.get().equals(version)) {
      throw Statuses.conflict(kind, name, "the ResourceVersion in the precondition ("
          + wanted.get() + ") does not match the ResourceVersion in record (" + version
          + "). The object might have been modified");
    }
  }

  /**
   * The namespace storage's own check (its {@code Delete} reads the namespace and compares
   * before marking it Terminating): {@code Operation cannot be fulfilled on namespaces "a":
   * Precondition failed: UID in precondition: x, UID in object meta: y}.
   */
  static void checkNamespace(JsonObject current, Preconditions preconditions) {
    String name = ObjectMetadata.metadata(current).getString("name", "");
    String uid = ObjectMetadata.metadata(current).getString("uid", "");
    if (preconditions.uid().isPresent() && !preconditions.uid().get().equals(uid)) {
      throw Statuses.conflict("namespaces", name, "Precondition failed: UID in precondition: "
          + preconditions.uid().get() + ", UID in object meta: " + uid);
    }
    String version = ObjectMetadata.metadata(current).getString("resourceVersion", "");
    Optional<String> wanted = wantedVersion(preconditions);
    if (wanted.isPresent() && !wanted.get().equals(version)) {
      throw Statuses.conflict("namespaces", name, "Precondition failed: ResourceVersion in"
          + " precondition: " + wanted.get() + ", ResourceVersion in object meta: " + version);
    }
  }

  static boolean any(Preconditions preconditions) {
    return preconditions.uid().isPresent() || wantedVersion(preconditions).isPresent();
  }

  private static Optional<String> wantedVersion(Preconditions preconditions) {
    return preconditions.resourceVersion().map(String::valueOf)
        .or(preconditions::unmatchableResourceVersion);
  }
}
