package dev.capstan.store.encryption;

import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.entity.ObjectKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * An object's JSON body as the {@code body} columns store it, under one encryption
 * configuration. The columns are {@code jsonb}: a body stored in plain is the object itself; an
 * encrypted one is a JSON string holding Kubernetes' value, its binary part in base64:
 *
 * <pre>
 *   "k8s:enc:aesgcm:v1:key1:" + base64(nonce ‖ ciphertext ‖ tag)
 *   "k8s:enc:aescbc:v1:key1:" + base64(IV ‖ ciphertext)
 * </pre>
 *
 * <p>The prefix stays readable, so an operator (and a test) can see which key a row is under.
 * The authenticated data is the object's storage path as kube-apiserver forms it
 * ({@code /registry/secrets/<namespace>/<name>}).
 */
public final class BodyTransformer {

  private static final Map<String, ResourceType> BY_GROUP_KIND = ResourceTypes.all().stream()
      .collect(Collectors.toUnmodifiableMap(t -> t.group() + "/" + t.kind(), Function.identity(),
          (first, second) -> first));

  private final EncryptionConfiguration configuration;
  /** The providers by group/kind: every object read (lists, the change feed) asks. */
  private final Map<String, PrefixTransformers> byGroupKind = new ConcurrentHashMap<>();

  public BodyTransformer(EncryptionConfiguration configuration) {
    this.configuration = configuration;
  }

  /** A body read back: the object's JSON, and whether it should be written again (stale). */
  public record Opened(String json, boolean stale) {}

  /** Whether this kind's bodies may be stored encrypted (a rule of the configuration names it). */
  public boolean mayBeEncrypted(ObjectKey key) {
    return transformers(key) != PrefixTransformers.IDENTITY;
  }

  /** The body to store for an object's JSON. */
  public String toStorage(ObjectKey key, String json) {
    PrefixTransformers transformers = transformers(key);
    if (transformers.writesPlain()) {
      return json;
    }
    byte[] stored = transformers.toStorage(json.getBytes(StandardCharsets.UTF_8), path(key));
    int prefix = transformers.writePrefix().length();
    return '"' + transformers.writePrefix()
        + Base64.getEncoder().encodeToString(Arrays.copyOfRange(stored, prefix, stored.length))
        + '"';
  }

  /**
   * The object's JSON from a stored body.
   *
   * @throws StorageTransformException naming the object when no provider can read it
   */
  public Opened fromStorage(ObjectKey key, String stored) {
    try {
      PrefixTransformers transformers = transformers(key);
      if (!stored.startsWith("\"")) {
        // plain JSON (most kinds, and Secrets written before encryption was on): no copy
        return new Opened(stored, transformers.plainIsStale());
      }
      PrefixTransformers.Read read = transformers.fromStorage(envelope(stored), path(key));
      return new Opened(new String(read.data(), StandardCharsets.UTF_8), read.stale());
    } catch (StorageTransformException e) {
      throw new StorageTransformException("unable to transform key \""
          + new String(path(key), StandardCharsets.UTF_8) + "\": " + e.getMessage(), e);
    }
  }

  /** The key name a stored body is encrypted with, as {@code k8s:enc:aesgcm:v1:key1:}, or "". */
  public static String prefixOf(String stored) {
    return stored.startsWith("\"") ? PrefixTransformers.prefixOf(envelope(stored)) : "";
  }

  private PrefixTransformers transformers(ObjectKey key) {
    return byGroupKind.computeIfAbsent(key.apiGroup() + "/" + key.kind(), groupKind -> {
      ResourceType type = BY_GROUP_KIND.get(groupKind);
      return type == null ? PrefixTransformers.IDENTITY
          : configuration.transformers(type.group(), type.plural());
    });
  }

  /** The bytes Kubernetes would hold: a JSON body as is, an envelope's prefix and payload. */
  private static byte[] envelope(String stored) {
    if (!stored.startsWith("\"")) {
      return stored.getBytes(StandardCharsets.UTF_8);
    }
    String value = stored.substring(1, stored.length() - 1);
    String prefix = PrefixTransformers.prefixOf(value.getBytes(StandardCharsets.US_ASCII));
    if (prefix.isEmpty() || !value.startsWith(PrefixTransformers.ENCRYPTED_PREFIX)) {
      throw new StorageTransformException("the stored value is neither an object nor"
          + " encrypted data");
    }
    byte[] payload;
    try {
      payload = Base64.getDecoder().decode(value.substring(prefix.length()));
    } catch (IllegalArgumentException e) {
      throw new StorageTransformException("the stored value's data is not base64");
    }
    byte[] bytes = Arrays.copyOf(prefix.getBytes(StandardCharsets.US_ASCII),
        prefix.length() + payload.length);
    System.arraycopy(payload, 0, bytes, prefix.length(), payload.length);
    return bytes;
  }

  /** kube-apiserver's etcd key for an object: {@code /registry/[group/]plural/[ns/]name}. */
  private static byte[] path(ObjectKey key) {
    ResourceType type = BY_GROUP_KIND.get(key.apiGroup() + "/" + key.kind());
    String resource = type == null ? key.kind().toLowerCase() : type.plural();
    StringBuilder path = new StringBuilder("/registry/");
    if (!key.apiGroup().isEmpty()) {
      path.append(key.apiGroup()).append('/');
    }
    path.append(resource).append('/');
    if (!key.namespace().isEmpty()) {
      path.append(key.namespace()).append('/');
    }
    return path.append(key.name()).toString().getBytes(StandardCharsets.UTF_8);
  }
}
