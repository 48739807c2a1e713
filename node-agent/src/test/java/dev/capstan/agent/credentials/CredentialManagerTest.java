package dev.capstan.agent.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialManagerTest {

  private static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  @TempDir
  Path dir;

  /** An issuer that answers credentials valid a day, refusing the bearers it is told to. */
  static final class FakeIssuer implements CredentialIssuer {
    final List<String> askedWith = new ArrayList<>();
    final Set<String> refusing = new java.util.HashSet<>();
    int issued;

    @Override
    public NodeCredential request(String bearer) throws Refused {
      askedWith.add(bearer);
      if (refusing.contains(bearer)) {
        throw new Refused("401 Unauthorized");
      }
      return NodeCredential.of(token("issued-" + ++issued, NOW, NOW.plus(Duration.ofDays(1))))
          .orElseThrow();
    }
  }

  @Test
  void firstStartAsksWithTheBootstrapTokenAndKeepsTheCredential0600() throws Exception {
    FakeIssuer issuer = new FakeIssuer();
    try (CredentialManager manager = manager(issuer, Optional.of("bootstrap"))) {
      manager.start();

      assertThat(issuer.askedWith).containsExactly("bootstrap");
      Path file = dir.resolve("pki/node-token");
      assertThat(Files.readString(file, StandardCharsets.UTF_8).strip())
          .isEqualTo(manager.token());
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
          .isEqualTo("rwx------");
    }
  }

  @Test
  void aRestartUsesTheKeptCredentialWithoutAskingEvenWithoutBootstrapToken() throws Exception {
    FakeIssuer issuer = new FakeIssuer();
    String first;
    try (CredentialManager manager = manager(issuer, Optional.of("bootstrap"))) {
      manager.start();
      first = manager.token();
    }
    try (CredentialManager restarted = manager(issuer, Optional.empty())) {
      restarted.start();

      assertThat(restarted.token()).isEqualTo(first);
      assertThat(issuer.askedWith).containsExactly("bootstrap");
    }
  }

  @Test
  void anEndedCredentialIsReplacedAtStart() throws Exception {
    CredentialFile.in(dir).write(NodeCredential.of(token("old", NOW.minus(Duration.ofDays(2)),
        NOW.minus(Duration.ofDays(1)))).orElseThrow());
    FakeIssuer issuer = new FakeIssuer();
    try (CredentialManager manager = manager(issuer, Optional.of("bootstrap"))) {
      manager.start();

      assertThat(issuer.askedWith).containsExactly("bootstrap");
      assertThat(manager.current().expires()).isEqualTo(NOW.plus(Duration.ofDays(1)));
    }
  }

  @Test
  void withNeitherAValidCredentialNorABootstrapTokenItSaysSo() {
    try (CredentialManager manager = manager(new FakeIssuer(), Optional.empty())) {
      assertThatThrownBy(manager::start).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no valid credential in " + dir.resolve("pki/node-token"))
          .hasMessageContaining("CAPSTAN_BOOTSTRAP_TOKEN_FILE");
    }
  }

  @Test
  void aRefusedCredentialIsReplacedWithTheBootstrapTokenOnce() throws Exception {
    FakeIssuer issuer = new FakeIssuer();
    try (CredentialManager manager = manager(issuer, Optional.of("bootstrap"))) {
      manager.start();
      String refused = manager.token();

      assertThat(manager.refused(refused)).isTrue();
      assertThat(manager.token()).isNotEqualTo(refused);
      assertThat(Files.readString(dir.resolve("pki/node-token")).strip())
          .isEqualTo(manager.token());
      assertThat(manager.refused(refused)).as("a request that left with the old one: retry")
          .isTrue();
      assertThat(manager.refused(manager.token()))
          .as("refused again within the pause: not asked again").isFalse();
      assertThat(issuer.askedWith).containsExactly("bootstrap", "bootstrap");
    }
  }

  @Test
  void renewalAsksWithTheCurrentCredentialAndFallsBackToTheBootstrapTokenWhenRefused()
      throws Exception {
    FakeIssuer issuer = new FakeIssuer();
    try (CredentialManager manager = manager(issuer, Optional.of("bootstrap"))) {
      manager.start();
      String first = manager.token();

      manager.renew();
      String second = manager.token();
      assertThat(second).isNotEqualTo(first);
      issuer.refusing.add(second);
      manager.renew();

      assertThat(issuer.askedWith).containsExactly("bootstrap", first, second, "bootstrap");
      assertThat(manager.token()).isNotIn(first, second);
    }
  }

  @Test
  void renewalComesBetween70And90PercentOfTheLifetime() {
    NodeCredential credential = NodeCredential.of(token("x", NOW, NOW.plus(Duration.ofHours(10))))
        .orElseThrow();
    assertThat(credential.rotationDeadline(0)).isEqualTo(NOW.plus(Duration.ofHours(7)));
    assertThat(credential.rotationDeadline(0.5)).isEqualTo(NOW.plus(Duration.ofHours(8)));
    assertThat(credential.rotationDeadline(0.999999)).isBefore(NOW.plus(Duration.ofHours(9)));
    assertThat(credential.validAt(NOW.plus(Duration.ofHours(9)))).isTrue();
    assertThat(credential.validAt(NOW.plus(Duration.ofHours(10)).minusSeconds(30))).isFalse();
    assertThat(NodeCredential.of("a-static-token")).isEmpty();
  }

  private CredentialManager manager(CredentialIssuer issuer, Optional<String> bootstrap) {
    return new CredentialManager(CredentialFile.in(dir), issuer, bootstrap, CLOCK, () -> 0.5);
  }

  /** A JWT-shaped token with these claims (unsigned: the agent reads, the API verifies). */
  static String token(String id, Instant issued, Instant expires) {
    Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
    return encoder.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + encoder.encodeToString(("{\"jti\":\"" + id + "\",\"iat\":" + issued.getEpochSecond()
            + ",\"exp\":" + expires.getEpochSecond() + "}").getBytes(StandardCharsets.UTF_8))
        + ".c2ln";
  }
}
