package dev.capstan.store;

import dev.capstan.store.entity.ObjectKey;
import jakarta.ejb.ApplicationException;

/** A create found an object with the same group, kind, namespace and name. Nothing was written. */
@ApplicationException(rollback = true)
public class AlreadyExistsException extends Exception {

  private final ObjectKey key;

  public AlreadyExistsException(ObjectKey key) {
    super(key.kind() + " \"" + key.name() + "\" already exists");
    this.key = key;
  }

  public ObjectKey key() {
    return key;
  }
}
