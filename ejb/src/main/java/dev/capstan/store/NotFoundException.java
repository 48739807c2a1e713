package dev.capstan.store;

import dev.capstan.store.entity.ObjectKey;
import jakarta.ejb.ApplicationException;

/** The object to change does not exist. Nothing was written. */
@ApplicationException(rollback = true)
public class NotFoundException extends Exception {

  private final ObjectKey key;

  public NotFoundException(ObjectKey key) {
    super(key.kind() + " \"" + key.name() + "\" not found");
    this.key = key;
  }

  public ObjectKey key() {
    return key;
  }
}
