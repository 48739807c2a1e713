package dev.capstan.access.tokens;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a token's signature check found, remembered for a while (kube-apiserver caches token
 * authentication likewise), keyed by the token's SHA-256, never the token itself; never past the
 * token's own expiry. Only the CPU of the check is saved. Bounded: when full it starts again.
 *
 * @param <V> what a valid token stands for (its claims, its user)
 */
public final class TokenCache<V> {

  private final Duration ttl;
  private final int limit;
  private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();

  private record Entry<V>(V value, Instant until) {}

  public TokenCache(Duration ttl, int limit) {
    this.ttl = ttl;
    this.limit = limit;
  }

  /** What {@code token} was found to stand for, if remembered and still current at {@code now}. */
  public Optional<V> get(String token, Instant now) {
    Entry<V> entry = entries.get(digest(token));
    return entry != null && now.isBefore(entry.until()) ? Optional.of(entry.value())
        : Optional.empty();
  }

  /** Remembers a valid token until the ttl has passed or it expires, whichever is first. */
  public void put(String token, V value, Instant expires, Instant now) {
    if (entries.size() >= limit) {
      entries.clear();
    }
    Instant until = now.plus(ttl);
    entries.put(digest(token), new Entry<>(value, expires.isBefore(until) ? expires : until));
  }

  /** A token's SHA-256 in hex: what is kept instead of the token. */
  static String digest(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
