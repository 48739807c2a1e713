package dev.capstan.store.encryption;

import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.entity.ObjectKey;
import jakarta.json.JsonException;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import java.io.StringReader;
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
 *
 * <p>A plain body holding a string with the character U+0000 (JSON <code>&#92;u0000</code>), which
 * Kubernetes stores but {@code jsonb} refuses ("unsupported Unicode escape sequence"), is kept as
 * a JSON string too, the object's JSON text behind the prefix {@value #ESCAPED_PREFIX}: such
 * rows are the only ones that pay for it, and everything else stays searchable {@code jsonb}.
 * A body whose column holds a string ({@link #isEnvelope}) is matched by field selectors in Java,
 * not in SQL.
 */
public final class BodyTransformer {

  private static final Map<String, ResourceType> BY_GROUP_KIND = ResourceTypes.all().stream()
      .collect(Collectors.toUnmodifiableMap(t -> t.group() + "/" + t.kind(), Function.identity(),
          (first, second) -> first));

  /** kube-apiserver's etcd prefixes that are not the resource's plural (core group only). */
  private static final Map<String, String> OLD_STORAGE_PREFIXES = Map.of(
      "services", "services/specs", "endpoints", "services/endpoints", "nodes", "minions",
      "replicationcontrollers", "controllers");

  private final EncryptionConfiguration configuration;
  /** The providers by group/kind: every object read (lists, the change feed) asks. */
  private final Map<String, PrefixTransformers> byGroupKind = new ConcurrentHashMap<>();

  /** The prefix of a plain body kept as a JSON string because {@code jsonb} cannot hold it. */
  public static final String ESCAPED_PREFIX = "capstan:json:";

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
      return holdsNul(json) ? Json.createValue(ESCAPED_PREFIX + json).toString() : json;
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
      if (stored.startsWith("\"" + ESCAPED_PREFIX)) {
        return new Opened(unescaped(stored), transformers.plainIsStale());
      }
      PrefixTransformers.Read read = transformers.fromStorage(envelope(stored), path(key));
      return new Opened(new String(read.data(), StandardCharsets.UTF_8), read.stale());
    } catch (StorageTransformException e) {
      throw new StorageTransformException("unable to transform key \"" + storageKey(key)
          + "\": " + e.getMessage(), e);
    }
  }

  /**
   * Whether a stored body is a JSON string (encrypted, or plain JSON that {@code jsonb} could not
   * hold as an object) rather than the object itself: SQL cannot look into it.
   */
  public static boolean isEnvelope(String stored) {
    return stored.startsWith("\"");
  }

  /**
   * Whether JSON text holds the escape <code>&#92;u0000</code> (not an escaped backslash before
   * "u0000"), which PostgreSQL's {@code jsonb} refuses.
   */
  static boolean holdsNul(String json) {
    for (int at = json.indexOf("\\u0000"); at >= 0; at = json.indexOf("\\u0000", at + 1)) {
      int backslashes = 0;
      for (int i = at; i >= 0 && json.charAt(i) == '\\'; i--) {
        backslashes++;
      }
      if (backslashes % 2 == 1) {
        return true;
      }
    }
    return false;
  }

  private static String unescaped(String stored) {
    try (JsonReader reader = Json.createReader(new StringReader(stored))) {
      return ((JsonString) reader.readValue()).getString().substring(ESCAPED_PREFIX.length());
    } catch (JsonException | ClassCastException e) {
      throw new StorageTransformException("the stored value is neither an object nor"
          + " escaped JSON");
    }
  }

  /** The key name a stored body is encrypted with, as {@code k8s:enc:aesgcm:v1:key1:}, or "". */
  public static String prefixOf(String stored) {
    return stored.startsWith("\"") && !stored.startsWith("\"" + ESCAPED_PREFIX)
        ? PrefixTransformers.prefixOf(envelope(stored)) : "";
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

  /**
   * The key kube-apiserver keeps the object under in etcd, for messages that name it:
   * {@code /registry/<prefix>/[<namespace>/]<name>}, where the prefix is the plural without the
   * group, as for every built-in kind (ReplicaSets are {@code /registry/replicasets/...}), except
   * for the kinds whose storage kept an older name (Services {@code services/specs}, Endpoints
   * {@code services/endpoints}, Nodes {@code minions}, ReplicationControllers
   * {@code controllers}). Not the authenticated data of encryption ({@link #path}), which stays
   * as Capstan has always written it.
   */
  public static String storageKey(ObjectKey key) {
    ResourceType type = BY_GROUP_KIND.get(key.apiGroup() + "/" + key.kind());
    String resource = type == null ? key.kind().toLowerCase() : type.plural();
    String prefix = key.apiGroup().isEmpty()
        ? OLD_STORAGE_PREFIXES.getOrDefault(resource, resource) : resource;
    return "/registry/" + prefix + "/"
        + (key.namespace().isEmpty() ? "" : key.namespace() + "/") + key.name();
  }

  /**
   * Whether opened JSON is an object rather than another JSON value (a row changed in the
   * database): its first character, without parsing the whole.
   */
  public static boolean isJsonObject(String json) {
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return c == '{';
      }
    }
    return false;
  }

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
