package dev.capstan.access.tokens;

import dev.capstan.access.tokens.ServiceAccountTokens.InvalidToken;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Signature checks remembered for a minute per token ({@link TokenCache}). Only the CPU is
 * saved: expiry and audience are checked again on every use, and a key removed from the key
 * file stops verifying within a minute. At most 10,000 entries.
 */
public final class VerifiedTokens {

  static final Duration TTL = Duration.ofMinutes(1);
  static final int LIMIT = 10_000;

  private final ServiceAccountTokens tokens;
  private final TokenCache<TokenClaims> verified = new TokenCache<>(TTL, LIMIT);

  public VerifiedTokens(ServiceAccountTokens tokens) {
    this.tokens = tokens;
  }

  public ServiceAccountTokens tokens() {
    return tokens;
  }

  /** As {@link ServiceAccountTokens#verify}, from memory when this token was seen lately. */
  public Optional<TokenClaims> verify(String token, List<String> audiences) throws InvalidToken {
    Instant now = tokens.clock().instant();
    Optional<TokenClaims> cached = verified.get(token, now);
    if (cached.isPresent()) {
      if (cached.get().audiences().stream().noneMatch(audiences::contains)) {
        throw new InvalidToken("token audiences " + cached.get().audiences()
            + " is invalid for the target audiences " + audiences);
      }
      return cached;
    }
    Optional<TokenClaims> claims = tokens.verify(token, audiences);
    claims.ifPresent(found -> verified.put(token, found, found.expires(), now));
    return claims;
  }
}
