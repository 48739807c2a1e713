package dev.capstan.store;

import dev.capstan.store.entity.ObjectKey;
import jakarta.json.JsonObject;

/**
 * Admission of a new object, run by {@link ObjectStore#create} inside the create's transaction,
 * after the revision lock is taken and before the object is written: what it reads is current
 * and what it writes (a quota's usage) commits or rolls back with the object. It may complete
 * the object (defaults) and refuses it by throwing.
 */
public interface CreateAdmission {

  /**
   * @return the object to store
   * @throws RuntimeException (an application exception that rolls back) if it is refused
   */
  JsonObject admit(ObjectKey key, JsonObject object);
}
