package dev.capstan.access.tokens;

import dev.capstan.access.tokens.ServiceAccountTokens.InvalidToken;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signature checks remembered for a minute per token (kube-apiserver caches token
 * authentication likewise), keyed by the token's SHA-256, never the token itself. Only the CPU
 * is saved: expiry and audience are checked again on every use, and a key removed from the key
 * file stops verifying within a minute. At most 10,000 entries; when full it starts again.
 */
public final class VerifiedTokens {

  static final Duration TTL = Duration.ofMinutes(1);
  static final int LIMIT = 10_000;

  private final ServiceAccountTokens tokens;
  private final Map<String, Cached> verified = new ConcurrentHashMap<>();

  private record Cached(TokenClaims claims, Instant until) {}

  public VerifiedTokens(ServiceAccountTokens tokens) {
    this.tokens = tokens;
  }

  public ServiceAccountTokens tokens() {
    return tokens;
  }

  /** As {@link ServiceAccountTokens#verify}, from memory when this token was seen lately. */
  public Optional<TokenClaims> verify(String token, List<String> audiences) throws InvalidToken {
    Instant now = tokens.clock().instant();
    String digest = digest(token);
    Cached cached = verified.get(digest);
    if (cached != null && now.isBefore(cached.until())) {
      if (cached.claims().audiences().stream().noneMatch(audiences::contains)) {
        throw new InvalidToken("token audiences " + cached.claims().audiences()
            + " is invalid for the target audiences " + audiences);
      }
      return Optional.of(cached.claims());
    }
    Optional<TokenClaims> claims = tokens.verify(token, audiences);
    claims.ifPresent(found -> {
      if (verified.size() >= LIMIT) {
        verified.clear();
      }
      Instant until = now.plus(TTL);
      verified.put(digest, new Cached(found, found.expires().isBefore(until)
          ? found.expires() : until));
    });
    return claims;
  }

  private static String digest(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
