package dev.capstan.store;

import dev.capstan.store.encryption.StorageTransformException;

/**
 * A stored body that was read (and decrypted) but is not an object: a row changed in the
 * database. Kubernetes counts it corrupt as it counts an undecryptable one ("object not
 * decodable"): reads fail with a 500 naming it, and only the unsafe deletion removes it.
 */
public class UndecodableObjectException extends StorageTransformException {

  private static final long serialVersionUID = 1L;

  private final long revision;

  public UndecodableObjectException(String storageKey, long revision) {
    super("StorageError: corrupt object, Code: 7, Key: " + storageKey + ", ResourceVersion: 0,"
        + " AdditionalErrorMsg: object not decodable revision=" + revision + ": "
        + REASON);
    this.revision = revision;
  }

  /** Why the body does not decode. */
  static final String REASON = "the stored value is not a JSON object";

  /** The revision of the write that left the body. */
  public long revision() {
    return revision;
  }
}
