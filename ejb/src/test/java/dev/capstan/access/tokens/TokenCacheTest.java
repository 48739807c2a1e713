package dev.capstan.access.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TokenCacheTest {

  private static final Instant NOW = Instant.parse("2026-12-07T04:00:00Z");
  private final TokenCache<String> cache = new TokenCache<>(Duration.ofMinutes(1), 3);

  @Test
  void aTokenIsRememberedForTheTtlThenCheckedAgain() {
    cache.put("a.b.c", "alice", NOW.plus(Duration.ofHours(1)), NOW);

    assertThat(cache.get("a.b.c", NOW.plusSeconds(59))).contains("alice");
    assertThat(cache.get("a.b.c", NOW.plusSeconds(60))).isEmpty();
    assertThat(cache.get("a.b.d", NOW)).as("another token").isEmpty();
  }

  @Test
  void aTokenIsNeverRememberedPastItsExpiry() {
    cache.put("a.b.c", "alice", NOW.plusSeconds(10), NOW);

    assertThat(cache.get("a.b.c", NOW.plusSeconds(9))).contains("alice");
    assertThat(cache.get("a.b.c", NOW.plusSeconds(10))).isEmpty();
  }

  @Test
  void aFullCacheStartsAgainRatherThanGrowing() {
    for (int i = 0; i < 3; i++) {
      cache.put("t" + i, "user" + i, NOW.plusSeconds(600), NOW);
    }
    cache.put("t3", "user3", NOW.plusSeconds(600), NOW);

    assertThat(cache.get("t0", NOW)).isEmpty();
    assertThat(cache.get("t3", NOW)).contains("user3");
  }
}
