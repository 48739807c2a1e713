package dev.capstan.store.encryption;

/**
 * Turns an object's stored bytes into what is written to the database and back, as
 * kube-apiserver's {@code value.Transformer}: one per key of an encryption provider.
 *
 * <p>{@code authenticatedData} binds a value to where it is stored (the object's storage path),
 * so a value copied to another object's row does not decrypt there. Providers without
 * authentication (aescbc) ignore it, as Kubernetes' do.
 */
interface Transformer {

  /** The value as stored: everything after the provider's prefix. */
  byte[] toStorage(byte[] data, byte[] authenticatedData);

  /**
   * The value as it was given to {@link #toStorage}.
   *
   * @throws StorageTransformException if the value was not written with this key
   */
  byte[] fromStorage(byte[] stored, byte[] authenticatedData);
}
