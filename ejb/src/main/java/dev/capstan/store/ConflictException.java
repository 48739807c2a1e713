package dev.capstan.store;

import dev.capstan.store.encryption.BodyTransformer;
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

  /**
   * A failed precondition (uid or resourceVersion), in kube-apiserver's words: its storage layer
   * answers {@code storage.NewInvalidObjError(key, detail)}, whose text the API server wraps in
   * its 409 ({@code Operation cannot be fulfilled on configmaps "x": StorageError: invalid
   * object, Code: 4, Key: /registry/configmaps/ns/x, ResourceVersion: 0, AdditionalErrorMsg:
   * Precondition failed: UID in precondition: ...}). Clients and scripts match on it.
   */
  public static ConflictException preconditionFailed(ObjectKey key, String detail) {
    return new ConflictException(key, "StorageError: invalid object, Code: 4, Key: "
        + BodyTransformer.storageKey(key) + ", ResourceVersion: 0, AdditionalErrorMsg: " + detail);
  }

  public ObjectKey key() {
    return key;
  }
}
