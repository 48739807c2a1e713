package dev.capstan.store.encryption;

/**
 * A stored value that cannot be read back: written with a key no longer configured, changed in
 * the database, or with a prefix no provider knows. The object cannot be served; the API answers
 * 500 naming the object, as kube-apiserver does ("unable to transform key").
 */
public class StorageTransformException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public StorageTransformException(String message) {
    super(message);
  }

  public StorageTransformException(String message, Throwable cause) {
    super(message, cause);
  }
}
