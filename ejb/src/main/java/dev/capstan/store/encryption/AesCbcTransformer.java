package dev.capstan.store.encryption;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.IvParameterSpec;

/**
 * Kubernetes' {@code aescbc} provider for one key: a random 16-byte IV, then AES-CBC with PKCS#7
 * padding. It has no authentication (Kubernetes no longer recommends it; {@code aesgcm} is what
 * {@code bin/capstan up} writes), so the storage path is not bound to the value.
 */
final class AesCbcTransformer implements Transformer {

  static final int IV_BYTES = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKey key;

  AesCbcTransformer(SecretKey key) {
    this.key = key;
  }

  @Override
  public byte[] toStorage(byte[] data, byte[] authenticatedData) {
    byte[] iv = new byte[IV_BYTES];
    RANDOM.nextBytes(iv);
    try {
      // PKCS5Padding in the JCE is PKCS#7 for AES's 16-byte blocks.
      Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
      byte[] stored = Arrays.copyOf(iv, IV_BYTES + cipher.getOutputSize(data.length));
      cipher.doFinal(data, 0, data.length, stored, IV_BYTES);
      return stored;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CBC is not available", e);
    }
  }

  @Override
  public byte[] fromStorage(byte[] stored, byte[] authenticatedData) {
    if (stored.length < 2 * IV_BYTES || stored.length % IV_BYTES != 0) {
      throw new StorageTransformException("the data is not an IV and whole AES blocks");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
      cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(stored, 0, IV_BYTES));
      return cipher.doFinal(stored, IV_BYTES, stored.length - IV_BYTES);
    } catch (BadPaddingException e) {
      throw new StorageTransformException("invalid PKCS7 data (wrong key?)", e);
    } catch (GeneralSecurityException e) {
      throw new StorageTransformException("cannot decrypt: " + e.getMessage(), e);
    }
  }
}
