package dev.capstan.access.tokens;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Signs and checks ServiceAccount tokens in kube-apiserver's format: a compact JWS, RS256, the
 * header naming the key id, the registered claims {@code iss aud exp iat nbf sub jti} and the
 * private {@code kubernetes.io} claim (namespace, serviceaccount, pod, secret, node). Only the
 * token itself is checked here (signature, algorithm, issuer, validity window, audience); whether
 * the objects it names still exist is the authenticator's question.
 */
public final class ServiceAccountTokens {

  /** kube-apiserver's default issuer when none is configured here. */
  public static final String DEFAULT_ISSUER = "https://kubernetes.default.svc.cluster.local";
  public static final String ISSUER_PROPERTY = "capstan.service-account.issuer";
  /** How far clocks may disagree ({@code jwt.DefaultLeeway}, one minute). */
  static final Duration LEEWAY = Duration.ofMinutes(1);
  private static final String KUBERNETES = "kubernetes.io";

  private final SigningKeys keys;
  private final String issuer;
  private final Clock clock;

  public ServiceAccountTokens(SigningKeys keys, String issuer, Clock clock) {
    this.keys = keys;
    this.issuer = issuer;
    this.clock = clock;
  }

  /** The issuer this server names and accepts ({@code -Dcapstan.service-account.issuer}). */
  public static String configuredIssuer() {
    String configured = System.getProperty(ISSUER_PROPERTY, "");
    return configured.isBlank() ? DEFAULT_ISSUER : configured;
  }

  public String issuer() {
    return issuer;
  }

  /** The audiences the API accepts (kube-apiserver's {@code --api-audiences}: the issuer). */
  public List<String> apiAudiences() {
    return List.of(issuer);
  }

  public Clock clock() {
    return clock;
  }

  /** A signed token with these claims (their issuer is replaced by this server's). */
  public String issue(TokenClaims claims) {
    RSAKey key = keys.signing();
    Map<String, Object> kubernetes = new LinkedHashMap<>();
    kubernetes.put("namespace", claims.namespace());
    claims.node().ifPresent(node -> kubernetes.put("node", ref(node)));
    claims.pod().ifPresent(pod -> kubernetes.put("pod", ref(pod)));
    claims.secret().ifPresent(secret -> kubernetes.put("secret", ref(secret)));
    kubernetes.put("serviceaccount", ref(claims.serviceAccount()));
    JWTClaimsSet set = new JWTClaimsSet.Builder()
        .audience(claims.audiences())
        .expirationTime(Date.from(claims.expires()))
        .issueTime(Date.from(claims.issuedAt()))
        .issuer(issuer)
        .jwtID(claims.id())
        .claim(KUBERNETES, kubernetes)
        .notBeforeTime(Date.from(claims.issuedAt()))
        .subject(claims.subject())
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256)
        .keyID(key.getKeyID()).build(), set);
    try {
      jwt.sign(new RSASSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a service account token: " + e.getMessage(), e);
    }
    return jwt.serialize();
  }

  /**
   * The claims of a token this server's keys signed, if it is valid now for one of the
   * audiences.
   *
   * @throws InvalidToken naming why a token that looks like a ServiceAccount token is refused
   * @return empty if the token is no JWT of this issuer at all (another authenticator's)
   */
  public Optional<TokenClaims> verify(String token, List<String> audiences) throws InvalidToken {
    SignedJWT jwt;
    JWTClaimsSet set;
    try {
      jwt = SignedJWT.parse(token);
      set = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      return Optional.empty();
    }
    if (!issuer.equals(set.getIssuer())) {
      return Optional.empty();
    }
    if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())
        || (jwt.getHeader().getType() != null
            && !JOSEObjectType.JWT.equals(jwt.getHeader().getType()))) {
      throw new InvalidToken("invalid signature algorithm");
    }
    if (!signedByOurKeys(jwt)) {
      throw new InvalidToken("invalid signature");
    }
    Instant now = clock.instant();
    if (set.getExpirationTime() == null
        || now.isAfter(set.getExpirationTime().toInstant().plus(LEEWAY))) {
      throw new InvalidToken("service account token has expired");
    }
    if (set.getNotBeforeTime() != null
        && now.plus(LEEWAY).isBefore(set.getNotBeforeTime().toInstant())) {
      throw new InvalidToken("service account token is not valid yet");
    }
    if (set.getIssueTime() != null && now.plus(LEEWAY).isBefore(set.getIssueTime().toInstant())) {
      throw new InvalidToken("service account token issued in the future");
    }
    List<String> tokenAudiences = set.getAudience() == null ? List.of() : set.getAudience();
    if (tokenAudiences.stream().noneMatch(audiences::contains)) {
      throw new InvalidToken("token audiences " + tokenAudiences
          + " is invalid for the target audiences " + audiences);
    }
    return Optional.of(claimsOf(set, tokenAudiences));
  }

  private boolean signedByOurKeys(SignedJWT jwt) {
    String kid = jwt.getHeader().getKeyID();
    List<RSAKey> candidates = keys.verifying();
    // the key the header names first, then every other (a token's kid is only a hint)
    List<RSAKey> ordered = new java.util.ArrayList<>(candidates.stream()
        .filter(key -> key.getKeyID().equals(kid)).toList());
    candidates.stream().filter(key -> !key.getKeyID().equals(kid)).forEach(ordered::add);
    for (RSAKey key : ordered) {
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

  private static TokenClaims claimsOf(JWTClaimsSet set, List<String> audiences)
      throws InvalidToken {
    Map<String, Object> kubernetes;
    try {
      kubernetes = set.getJSONObjectClaim(KUBERNETES);
    } catch (ParseException e) {
      kubernetes = null;
    }
    if (kubernetes == null || !(kubernetes.get("namespace") instanceof String namespace)
        || namespace.isEmpty()) {
      throw new InvalidToken("service account token claims are missing the namespace");
    }
    Optional<TokenClaims.Ref> account = refOf(kubernetes.get("serviceaccount"));
    if (account.isEmpty()) {
      throw new InvalidToken("service account token claims are missing the service account");
    }
    TokenClaims claims = new TokenClaims(set.getIssuer(), audiences,
        set.getIssueTime() == null ? Instant.EPOCH : set.getIssueTime().toInstant(),
        set.getExpirationTime().toInstant(), set.getJWTID() == null ? "" : set.getJWTID(),
        namespace, account.get(), refOf(kubernetes.get("pod")), refOf(kubernetes.get("secret")),
        refOf(kubernetes.get("node")));
    if (!claims.subject().equals(set.getSubject())) {
      throw new InvalidToken("service account token subject does not match its claims");
    }
    return claims;
  }

  private static Map<String, Object> ref(TokenClaims.Ref ref) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", ref.name());
    json.put("uid", ref.uid());
    return json;
  }

  private static Optional<TokenClaims.Ref> refOf(Object value) {
    if (value instanceof Map<?, ?> map && map.get("name") instanceof String name
        && !name.isEmpty()) {
      return Optional.of(new TokenClaims.Ref(name,
          map.get("uid") instanceof String uid ? uid : ""));
    }
    return Optional.empty();
  }

  /** A token this issuer's format but refused; the message says why, never the token. */
  public static final class InvalidToken extends Exception {
    public InvalidToken(String message) {
      super(message);
    }
  }
}
