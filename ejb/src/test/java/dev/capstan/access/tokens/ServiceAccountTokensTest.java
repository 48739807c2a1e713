package dev.capstan.access.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceAccountTokensTest {

  private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");
  private static final String ISSUER = ServiceAccountTokens.DEFAULT_ISSUER;

  @TempDir
  Path dir;

  @Test
  void issuedTokenVerifiesWithItsClaims() throws Exception {
    ServiceAccountTokens tokens = tokens(writeKeys("keys.pem", newKey()), NOW);
    String token = tokens.issue(podBound(NOW, Duration.ofHours(1)));

    TokenClaims claims = tokens.verify(token, List.of(ISSUER)).orElseThrow();

    assertThat(claims.subject()).isEqualTo("system:serviceaccount:team-a:reader");
    assertThat(claims.serviceAccount()).isEqualTo(new TokenClaims.Ref("reader", "sa-uid"));
    assertThat(claims.pod()).contains(new TokenClaims.Ref("web-0", "pod-uid"));
    assertThat(claims.node()).contains(new TokenClaims.Ref("worker-1", "node-uid"));
    assertThat(claims.id()).isEqualTo("jti-1");
    assertThat(claims.expires()).isEqualTo(NOW.plus(Duration.ofHours(1)));
  }

  @Test
  void tokenHasKubernetesHeaderAndClaims() {
    ServiceAccountTokens tokens = tokens(writeKeys("keys.pem", newKey()), NOW);
    String[] parts = tokens.issue(podBound(NOW, Duration.ofHours(1))).split("\\.");

    String header = decode(parts[0]);
    String payload = decode(parts[1]);
    assertThat(header).contains("\"alg\":\"RS256\"").contains("\"kid\":\"");
    assertThat(payload).contains("\"iss\":\"" + ISSUER + "\"", "\"sub\":\"system:serviceaccount:team-a:reader\"",
        "\"jti\":\"jti-1\"", "\"nbf\":", "\"iat\":", "\"exp\":",
        "\"kubernetes.io\":{\"namespace\":\"team-a\",\"node\":{\"name\":\"worker-1\","
            + "\"uid\":\"node-uid\"},\"pod\":{\"name\":\"web-0\",\"uid\":\"pod-uid\"},"
            + "\"serviceaccount\":{\"name\":\"reader\",\"uid\":\"sa-uid\"}}");
  }

  @Test
  void expiredTokenIsRefused() {
    Path keys = writeKeys("keys.pem", newKey());
    String token = tokens(keys, NOW).issue(podBound(NOW, Duration.ofMinutes(10)));

    ServiceAccountTokens later = tokens(keys, NOW.plus(Duration.ofMinutes(12)));

    assertThatThrownBy(() -> later.verify(token, List.of(ISSUER)))
        .hasMessage("service account token has expired");
  }

  @Test
  void expiryWithinTheLeewayIsAccepted() throws Exception {
    Path keys = writeKeys("keys.pem", newKey());
    String token = tokens(keys, NOW).issue(podBound(NOW, Duration.ofMinutes(10)));

    assertThat(tokens(keys, NOW.plus(Duration.ofSeconds(630))).verify(token, List.of(ISSUER)))
        .isPresent();
  }

  @Test
  void tokenNotYetValidIsRefused() {
    Path keys = writeKeys("keys.pem", newKey());
    String token = tokens(keys, NOW.plus(Duration.ofHours(1)))
        .issue(podBound(NOW.plus(Duration.ofHours(1)), Duration.ofHours(1)));

    assertThatThrownBy(() -> tokens(keys, NOW).verify(token, List.of(ISSUER)))
        .hasMessageContaining("not valid yet");
  }

  @Test
  void tokenSignedByAnotherKeyIsRefused() {
    String token = tokens(writeKeys("theirs.pem", newKey()), NOW)
        .issue(podBound(NOW, Duration.ofHours(1)));

    ServiceAccountTokens ours = tokens(writeKeys("ours.pem", newKey()), NOW);

    assertThatThrownBy(() -> ours.verify(token, List.of(ISSUER))).hasMessage("invalid signature");
  }

  @Test
  void tokenOfAnotherAudienceIsRefused() {
    ServiceAccountTokens tokens = tokens(writeKeys("keys.pem", newKey()), NOW);
    TokenClaims claims = podBound(NOW, Duration.ofHours(1));
    String token = tokens.issue(new TokenClaims(ISSUER, List.of("vault"), claims.issuedAt(),
        claims.expires(), claims.id(), claims.namespace(), claims.serviceAccount(),
        Optional.empty(), Optional.empty(), Optional.empty()));

    assertThatThrownBy(() -> tokens.verify(token, List.of(ISSUER)))
        .hasMessageContaining("is invalid for the target audiences");
  }

  @Test
  void unsignedTokenWithAlgNoneIsNotAccepted() throws Exception {
    ServiceAccountTokens tokens = tokens(writeKeys("keys.pem", newKey()), NOW);
    String[] parts = tokens.issue(podBound(NOW, Duration.ofHours(1))).split("\\.");
    String none = Base64.getUrlEncoder().withoutPadding()
        .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));

    assertThat(tokens.verify(none + "." + parts[1] + ".", List.of(ISSUER))).isEmpty();
  }

  @Test
  void tamperedClaimsBreakTheSignature() {
    ServiceAccountTokens tokens = tokens(writeKeys("keys.pem", newKey()), NOW);
    String[] parts = tokens.issue(podBound(NOW, Duration.ofHours(1))).split("\\.");
    String claims = decode(parts[1]).replace("team-a:reader", "kube-system:admin");
    String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];

    assertThatThrownBy(() -> tokens.verify(forged, List.of(ISSUER)))
        .hasMessage("invalid signature");
  }

  @Test
  void afterRotationTheNewKeySignsAndTheOldStillVerifies() throws Exception {
    String oldKey = newKey();
    Path keys = writeKeys("keys.pem", oldKey);
    String oldToken = tokens(keys, NOW).issue(podBound(NOW, Duration.ofHours(1)));
    String oldKid = new SigningKeys(keys).signing().getKeyID();

    Files.writeString(keys, newKey() + oldKey);
    Files.setLastModifiedTime(keys, java.nio.file.attribute.FileTime.from(NOW.plusSeconds(5)));
    ServiceAccountTokens rotated = tokens(keys, NOW);
    String newToken = rotated.issue(podBound(NOW, Duration.ofHours(1)));

    assertThat(rotated.verify(oldToken, List.of(ISSUER))).isPresent();
    assertThat(rotated.verify(newToken, List.of(ISSUER))).isPresent();
    assertThat(decode(newToken.split("\\.")[0])).doesNotContain(oldKid);
    assertThat(new SigningKeys(keys).publicJwks().getKeys()).hasSize(2)
        .allSatisfy(key -> assertThat(key.isPrivate()).isFalse());
  }

  @Test
  void tokenOfAnotherIssuerIsNotOurs() throws Exception {
    Path keys = writeKeys("keys.pem", newKey());
    String token = new ServiceAccountTokens(new SigningKeys(keys), "https://elsewhere",
        Clock.fixed(NOW, ZoneOffset.UTC)).issue(podBound(NOW, Duration.ofHours(1)));

    assertThat(tokens(keys, NOW).verify(token, List.of(ISSUER))).isEmpty();
  }

  @Test
  void staticTokensAreNotJwts() throws Exception {
    assertThat(tokens(writeKeys("keys.pem", newKey()), NOW)
        .verify("it-admin-token-1234", List.of(ISSUER))).isEmpty();
  }

  /** Prints the cost of one verification; not an assertion. */
  @Test
  void verificationCost() throws Exception {
    ServiceAccountTokens tokens = tokens(writeKeys("keys.pem", newKey()), NOW);
    String token = tokens.issue(podBound(NOW, Duration.ofHours(1)));
    for (int i = 0; i < 2_000; i++) {
      tokens.verify(token, List.of(ISSUER));
    }
    int rounds = 5_000;
    long start = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      tokens.verify(token, List.of(ISSUER));
    }
    long perToken = (System.nanoTime() - start) / rounds;
    long issueStart = System.nanoTime();
    for (int i = 0; i < 500; i++) {
      tokens.issue(podBound(NOW, Duration.ofHours(1)));
    }
    long perIssue = (System.nanoTime() - issueStart) / 500;
    VerifiedTokens cache = new VerifiedTokens(tokens);
    for (int i = 0; i < 20_000; i++) {
      cache.verify(token, List.of(ISSUER));
    }
    long cachedStart = System.nanoTime();
    for (int i = 0; i < 100_000; i++) {
      cache.verify(token, List.of(ISSUER));
    }
    long perCached = (System.nanoTime() - cachedStart) / 100_000;
    System.out.printf("service account token: verify %d us uncached, %.1f us cached;"
        + " issue %d us (RS256, 2048-bit)%n", perToken / 1000, perCached / 1000.0,
        perIssue / 1000);
  }

  @Test
  void cachedVerificationStillChecksTheAudienceAndExpiry() throws Exception {
    Path keys = writeKeys("keys.pem", newKey());
    VerifiedTokens cache = new VerifiedTokens(tokens(keys, NOW));
    String token = cache.tokens().issue(podBound(NOW, Duration.ofSeconds(30)));
    assertThat(cache.verify(token, List.of(ISSUER))).isPresent();

    assertThatThrownBy(() -> cache.verify(token, List.of("vault")))
        .hasMessageContaining("invalid for the target audiences");
    VerifiedTokens later = new VerifiedTokens(tokens(keys, NOW.plus(Duration.ofMinutes(2))));
    assertThatThrownBy(() -> later.verify(token, List.of(ISSUER)))
        .hasMessage("service account token has expired");
  }

  private static TokenClaims podBound(Instant issued, Duration lifetime) {
    return new TokenClaims(ISSUER, List.of(ISSUER), issued, issued.plus(lifetime), "jti-1",
        "team-a", new TokenClaims.Ref("reader", "sa-uid"),
        Optional.of(new TokenClaims.Ref("web-0", "pod-uid")), Optional.empty(),
        Optional.of(new TokenClaims.Ref("worker-1", "node-uid")));
  }

  private static ServiceAccountTokens tokens(Path keys, Instant now) {
    return new ServiceAccountTokens(new SigningKeys(keys), ISSUER, Clock.fixed(now, ZoneOffset.UTC));
  }

  private Path writeKeys(String name, String pem) {
    try {
      return Files.writeString(dir.resolve(name), pem);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String newKey() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair pair = generator.generateKeyPair();
      return "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(pair.getPrivate().getEncoded())
          + "\n-----END PRIVATE KEY-----\n";
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String decode(String part) {
    return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
  }
}
