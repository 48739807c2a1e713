package dev.capstan.store.encryption;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The providers of one resource, in the configuration's order, as kube-apiserver's
 * {@code value.NewPrefixTransformers}: the first writes, every one reads the values that carry
 * its prefix ({@code k8s:enc:aesgcm:v1:<key name>:}). The {@code identity} provider has no
 * prefix: it writes values as they are and reads anything that is not encrypted.
 *
 * <p>A read tells whether the value is <em>stale</em>: not written by the first provider. A
 * stale object is written again on its next update even when nothing changed, which is how
 * {@code kubectl replace} re-encrypts Secrets under a new key.
 */
public final class PrefixTransformers {

  /** What every encrypted value starts with. */
  public static final String ENCRYPTED_PREFIX = "k8s:enc:";

  /** No encryption at all: kube-apiserver without {@code --encryption-provider-config}. */
  public static final PrefixTransformers IDENTITY =
      new PrefixTransformers(List.of(Provider.IDENTITY));

  private final List<Provider> providers;

  PrefixTransformers(List<Provider> providers) {
    if (providers.isEmpty()) {
      throw new IllegalArgumentException("at least one provider is needed");
    }
    this.providers = List.copyOf(providers);
  }

  /**
   * One key of a provider: its prefix, and its transformer (null for identity).
   *
   * @param name how errors and logs name it: {@code aesgcm key "key1"}, {@code identity}
   */
  record Provider(String prefix, Transformer transformer, String name) {
    static final Provider IDENTITY = new Provider("", null, "identity");

    boolean isIdentity() {
      return transformer == null;
    }
  }

  /** The result of a read: the value, and whether another provider than the first wrote it. */
  public record Read(byte[] data, boolean stale) {}

  /** Whether values are written in plain (the first provider is identity). */
  public boolean writesPlain() {
    return providers.get(0).isIdentity();
  }

  /** The prefix new values are written with ("" when they are written in plain). */
  public String writePrefix() {
    return providers.get(0).prefix();
  }

  /**
   * Whether a value stored in plain (not encrypted) is stale, without looking at it: it is read
   * by the identity provider, stale unless that comes first.
   *
   * @throws StorageTransformException if identity is not configured, so plain values are unread
   */
  public boolean plainIsStale() {
    for (int i = 0; i < providers.size(); i++) {
      if (providers.get(i).isIdentity()) {
        return i != 0;
      }
    }
    throw new StorageTransformException("the value is not encrypted and the identity provider"
        + " is not configured to read it");
  }

  /** The value as stored: the first provider's prefix, then its transformation. */
  public byte[] toStorage(byte[] data, byte[] authenticatedData) {
    Provider first = providers.get(0);
    if (first.isIdentity()) {
      return data;
    }
    byte[] prefix = first.prefix().getBytes(StandardCharsets.US_ASCII);
    byte[] transformed = first.transformer().toStorage(data, authenticatedData);
    byte[] stored = Arrays.copyOf(prefix, prefix.length + transformed.length);
    System.arraycopy(transformed, 0, stored, prefix.length, transformed.length);
    return stored;
  }

  /**
   * The value read back by the provider whose prefix it carries.
   *
   * @throws StorageTransformException if no provider can read it (no prefix matches, or the key
   *     of the matching prefix does not decrypt it)
   */
  public Read fromStorage(byte[] stored, byte[] authenticatedData) {
    boolean encrypted = startsWith(stored, ENCRYPTED_PREFIX.getBytes(StandardCharsets.US_ASCII));
    for (int i = 0; i < providers.size(); i++) {
      Provider provider = providers.get(i);
      if (provider.isIdentity()) {
        if (!encrypted) {
          return new Read(stored, i != 0);
        }
        continue;
      }
      byte[] prefix = provider.prefix().getBytes(StandardCharsets.US_ASCII);
      if (startsWith(stored, prefix)) {
        byte[] rest = Arrays.copyOfRange(stored, prefix.length, stored.length);
        try {
          return new Read(provider.transformer().fromStorage(rest, authenticatedData), i != 0);
        } catch (StorageTransformException e) {
          throw new StorageTransformException(provider.name() + ": " + e.getMessage(), e);
        }
      }
    }
    if (encrypted) {
      throw new StorageTransformException("no matching prefix found (the value was written"
          + " with " + prefixOf(stored) + ", which no configured provider has)");
    }
    throw new StorageTransformException("the value is not encrypted and the identity provider"
        + " is not configured to read it");
  }

  /** The {@code k8s:enc:<provider>:v1:<key name>:} a stored value starts with, or "". */
  public static String prefixOf(byte[] stored) {
    int colons = 0;
    for (int i = 0; i < stored.length && i < 512; i++) {
      if (stored[i] == ':' && ++colons == 5) {
        return new String(stored, 0, i + 1, StandardCharsets.US_ASCII);
      }
    }
    return "";
  }

  private static boolean startsWith(byte[] data, byte[] prefix) {
    return data.length >= prefix.length
        && Arrays.equals(data, 0, prefix.length, prefix, 0, prefix.length);
  }
}
