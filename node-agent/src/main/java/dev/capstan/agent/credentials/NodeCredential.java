package dev.capstan.agent.credentials;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * One credential of the node: the token and the window it is valid in, read from the token's own
 * claims ({@code iat}, {@code exp}), as the kubelet reads its certificate's NotBefore and
 * NotAfter. The agent does not check the signature: the API does.
 */
public record NodeCredential(String token, Instant issuedAt, Instant expires) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The credential a token is, from its claims.
   *
   * @return empty if the token is no JWT with an {@code exp} (then its end is unknown)
   */
  public static Optional<NodeCredential> of(String token) {
    String[] parts = token.strip().split("\\.");
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
      if (!claims.path("exp").canConvertToLong()) {
        return Optional.empty();
      }
      Instant expires = Instant.ofEpochSecond(claims.path("exp").asLong());
      Instant issued = claims.path("iat").canConvertToLong()
          ? Instant.ofEpochSecond(claims.path("iat").asLong()) : expires.minus(Duration.ofDays(1));
      return Optional.of(new NodeCredential(token.strip(), issued, expires));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Whether it is still valid at {@code now} (its last minute counts as ended). */
  public boolean validAt(Instant now) {
    return now.isBefore(expires.minus(Duration.ofMinutes(1)));
  }

  /**
   * When to ask for the next one: the kubelet's certificate manager rotates at a random point
   * between 70 % and 90 % of the certificate's lifetime, so many nodes issued at once do not all
   * come back at once.
   *
   * @param jitter a number in [0, 1)
   */
  public Instant rotationDeadline(double jitter) {
    long lifetime = Duration.between(issuedAt, expires).toMillis();
    return issuedAt.plusMillis(Math.round(lifetime * (0.7 + 0.2 * jitter)));
  }
}
