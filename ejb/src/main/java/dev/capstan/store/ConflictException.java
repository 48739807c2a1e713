package dev.capstan.store;

import dev.capstan.store.entity.ObjectKey;
import jakarta.ejb.ApplicationException;

/**
 * A write's precondition failed: the client's resourceVersion (or uid) is not the object's
 * current one. Nothing was written; the client should read the object again and retry.
 */
@ApplicationException(rollback = true)
public class ConflictException extends Exception {

  private final ObjectKey key;

  public ConflictException(ObjectKey key, String reason) {
    super(reason);
    this.key = key;
  }

  public ObjectKey key() {
    return key;
  }
}
