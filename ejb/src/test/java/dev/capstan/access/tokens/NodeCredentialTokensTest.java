package dev.capstan.access.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeCredentialTokensTest {

  private static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");
  private static final String API = ServiceAccountTokens.DEFAULT_ISSUER;

  @TempDir
  Path dir;

  @Test
  void issuedCredentialNamesItsNodeUntilItEnds() throws Exception {
    Path keys = Files.writeString(dir.resolve("keys.pem"), ServiceAccountTokensTest.newKey());
    NodeCredentialTokens.Issued issued = tokens(keys, NOW).issue("worker-1", Duration.ofHours(1));

    assertThat(issued.expires()).isEqualTo(NOW.plus(Duration.ofHours(1)));
    assertThat(tokens(keys, NOW.plus(Duration.ofMinutes(59))).verify(issued.token()))
        .contains(new NodeCredentialTokens.Verified("worker-1", issued.id(), issued.expires()));
    assertThat(tokens(keys, NOW.plus(Duration.ofMinutes(62))).verify(issued.token()))
        .as("a minute's leeway, then refused").isEmpty();
  }

  @Test
  void foreignForgedAndServiceAccountTokensAreNotNodeCredentials() throws Exception {
    Path keys = Files.writeString(dir.resolve("keys.pem"), ServiceAccountTokensTest.newKey());
    Path other = Files.writeString(dir.resolve("other.pem"), ServiceAccountTokensTest.newKey());
    String forged = tokens(other, NOW).issue("worker-1", Duration.ofHours(1)).token();
    String serviceAccount = new ServiceAccountTokens(new SigningKeys(keys), API,
        Clock.fixed(NOW, ZoneOffset.UTC)).issue(new TokenClaims(API, List.of(API), NOW,
            NOW.plusSeconds(3600), "jti", "default", new TokenClaims.Ref("default", "uid"),
            Optional.empty(), Optional.empty(), Optional.empty()));
    NodeCredentialTokens ours = tokens(keys, NOW);

    assertThat(ours.verify(forged)).as("signed by a key the installation does not have").isEmpty();
    assertThat(ours.verify(serviceAccount)).isEmpty();
    assertThat(ours.verify("static-token")).isEmpty();
    String node = ours.issue("worker-1", Duration.ofHours(1)).token();
    assertThat(new ServiceAccountTokens(new SigningKeys(keys), API,
        Clock.fixed(NOW, ZoneOffset.UTC)).verify(node, List.of(API)))
        .as("the ServiceAccount authenticator leaves it alone").isEmpty();
  }

  private static NodeCredentialTokens tokens(Path keys, Instant now) {
    return new NodeCredentialTokens(new SigningKeys(keys), List.of(API),
        Clock.fixed(now, ZoneOffset.UTC));
  }
}
