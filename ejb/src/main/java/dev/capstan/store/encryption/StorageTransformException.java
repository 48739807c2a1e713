package dev.capstan.store.encryption;

import jakarta.ejb.ApplicationException;

/**
 * A stored value that cannot be read back: written with a key no longer configured, changed in
 * the database, or with a prefix no provider knows. The object cannot be served; the API answers
 * 500 naming the object, as kube-apiserver does ("unable to transform key").
 *
 * <p>An application exception: corrupt data is the store's state, not a failure of the code,
 * so it leaves an EJB as itself (the transaction rolled back) rather than logged by the container
 * as a system error at every read.
 */
@ApplicationException(rollback = true)
public class StorageTransformException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public StorageTransformException(String message) {
    super(message);
  }

  public StorageTransformException(String message, Throwable cause) {
    super(message, cause);
  }
}
