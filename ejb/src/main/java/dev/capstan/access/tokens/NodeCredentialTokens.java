package dev.capstan.access.tokens;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.capstan.access.NodeIdentity;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A node agent's own credential, as the control plane issues it: what the kubelet's client
 * certificate is in Kubernetes (CN {@code system:node:<name>}, O {@code system:nodes}, from a
 * CertificateSigningRequest, valid for a limited time and rotated before it ends), as a token,
 * since the API authenticates bearer tokens alone. An RS256 JWT signed with the installation's
 * ServiceAccount keys, under an issuer of its own ({@value #ISSUER}), so the ServiceAccount
 * authenticator never takes it for one of its tokens and this one never takes a ServiceAccount
 * token for a node's: {@code sub} is {@code system:node:<name>}, {@code aud} the API's audiences,
 * {@code exp} its end.
 */
public final class NodeCredentialTokens {

  /** The issuer of node credentials; no ServiceAccount token ever names it. */
  public static final String ISSUER = "capstan.dev/node-credentials";

  private final SigningKeys keys;
  private final List<String> audiences;
  private final Clock clock;

  /** A node's credential and when it ends. */
  public record Issued(String token, String id, Instant expires) {}

  /** A valid credential's node, its id ({@code jti}) and end. */
  public record Verified(String node, String id, Instant expires) {}

  public NodeCredentialTokens(SigningKeys keys, List<String> audiences, Clock clock) {
    this.keys = keys;
    this.audiences = List.copyOf(audiences);
    this.clock = clock;
  }

  public Clock clock() {
    return clock;
  }

  /** A new credential of the node, valid from now for {@code lifetime}. */
  public Issued issue(String node, Duration lifetime) {
    RSAKey key = keys.signing();
    Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Instant expires = now.plus(lifetime);
    String id = UUID.randomUUID().toString();
    JWTClaimsSet set = new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .subject(NodeIdentity.USER_PREFIX + node)
        .audience(audiences)
        .issueTime(Date.from(now))
        .notBeforeTime(Date.from(now))
        .expirationTime(Date.from(expires))
        .jwtID(id)
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256)
        .keyID(key.getKeyID()).build(), set);
    try {
      jwt.sign(new RSASSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a node credential: " + e.getMessage(), e);
    }
    return new Issued(jwt.serialize(), id, expires);
  }

  /**
   * The node a credential names, if it is one of ours and valid now (signature by one of the
   * installation's keys, algorithm, audience, validity window with a minute's leeway).
   *
   * @return empty for anything else: another authenticator's token, a forged, expired or
   *     foreign one (the caller answers 401 either way)
   */
  public Optional<Verified> verify(String token) {
    SignedJWT jwt;
    JWTClaimsSet set;
    try {
      jwt = SignedJWT.parse(token);
      set = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      return Optional.empty();
    }
    if (!ISSUER.equals(set.getIssuer())
        || !JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())
        || set.getSubject() == null || !set.getSubject().startsWith(NodeIdentity.USER_PREFIX)
        || set.getExpirationTime() == null
        || set.getAudience() == null || set.getAudience().stream().noneMatch(audiences::contains)
        || !signedByOurKeys(jwt)) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    Instant expires = set.getExpirationTime().toInstant();
    if (now.isAfter(expires.plus(ServiceAccountTokens.LEEWAY))
        || (set.getNotBeforeTime() != null
            && now.plus(ServiceAccountTokens.LEEWAY).isBefore(set.getNotBeforeTime().toInstant()))) {
      return Optional.empty();
    }
    String node = set.getSubject().substring(NodeIdentity.USER_PREFIX.length());
    if (node.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Verified(node, set.getJWTID() == null ? "" : set.getJWTID(), expires));
  }

  private boolean signedByOurKeys(SignedJWT jwt) {
    for (RSAKey key : keys.verifying()) {
      try {
        if (jwt.verify(new RSASSAVerifier(key.toRSAPublicKey()))) {
          return true;
        }
      } catch (JOSEException e) {
        // not verifiable with this key: try the next
      }
    }
    return false;
  }
}
