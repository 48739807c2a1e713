package dev.capstan.watch;

import dev.capstan.store.entity.ObjectChange;
import dev.capstan.store.entity.ObjectKey;
import jakarta.json.JsonObject;

/**
 * One change as watchers see it, detached from the persistence context.
 *
 * @param revision the cluster revision of the change
 * @param type ADDED, MODIFIED or DELETED
 * @param key the object's identity
 * @param object the object after the change (as it was last, for DELETED)
 */
public record Change(long revision, ObjectChange.Type type, ObjectKey key, JsonObject object) {

  static Change of(ObjectChange change) {
    return new Change(change.revision(), change.type(), change.key(), change.json());
  }
}
