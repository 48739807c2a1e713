package dev.capstan.store;

import dev.capstan.store.entity.ObjectKey;
import jakarta.ejb.ApplicationException;

/**
 * An unsafe deletion was asked for an object that can be read: the normal delete is the way
 * (Kubernetes refuses {@code ignoreStoreReadErrorWithClusterBreakingPotential} on such objects
 * too). Nothing was written.
 */
@ApplicationException(rollback = true)
public class NotCorruptException extends Exception {

  public NotCorruptException(ObjectKey key) {
    super(key.kind() + " \"" + key.name() + "\" is not corrupt");
  }
}
