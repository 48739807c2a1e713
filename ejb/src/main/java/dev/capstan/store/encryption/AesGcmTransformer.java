package dev.capstan.store.encryption;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Kubernetes' {@code aesgcm} provider for one key: a random 12-byte nonce, then AES-GCM's
 * ciphertext with its 16-byte tag, the storage path as additional authenticated data. Random
 * nonces stay safe for about 2^32 writes per key: rotate well before (see bin/capstan secrets).
 */
final class AesGcmTransformer implements Transformer {

  static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKey key;

  AesGcmTransformer(SecretKey key) {
    this.key = key;
  }

  @Override
  public byte[] toStorage(byte[] data, byte[] authenticatedData) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(authenticatedData);
      byte[] stored = Arrays.copyOf(nonce, NONCE_BYTES + cipher.getOutputSize(data.length));
      cipher.doFinal(data, 0, data.length, stored, NONCE_BYTES);
      return stored;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  @Override
  public byte[] fromStorage(byte[] stored, byte[] authenticatedData) {
    if (stored.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new StorageTransformException("the data is too short to hold a nonce and a tag");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, 0, NONCE_BYTES));
      cipher.updateAAD(authenticatedData);
      return cipher.doFinal(stored, NONCE_BYTES, stored.length - NONCE_BYTES);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new StorageTransformException("cipher: message authentication failed", e);
    } catch (GeneralSecurityException e) {
      throw new StorageTransformException("cannot decrypt: " + e.getMessage(), e);
    }
  }
}
