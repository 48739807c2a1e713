package dev.capstan.agent.pods;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RestartBackoffTest {

  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  private final RestartBackoff backoff = new RestartBackoff(Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void theFirstRestartIsImmediateThenTheWaitDoublesUpToFiveMinutes() {
    Instant started = NOW.minusSeconds(2);
    assertThat(backoff.blockedUntil("c", started, NOW)).isEmpty();

    backoff.restarted("c");
    assertThat(backoff.blockedUntil("c", started, NOW)).contains(NOW.plusSeconds(10));
    backoff.restarted("c");
    assertThat(backoff.blockedUntil("c", started, NOW)).contains(NOW.plusSeconds(20));
    for (int i = 0; i < 10; i++) {
      backoff.restarted("c");
    }
    assertThat(backoff.currentDelay("c")).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void aContainerThatRanTenMinutesStartsOver() {
    backoff.restarted("c");
    backoff.restarted("c");

    assertThat(backoff.blockedUntil("c", NOW.minus(Duration.ofMinutes(11)), NOW)).isEmpty();
    assertThat(backoff.currentDelay("c")).isEqualTo(RestartBackoff.INITIAL);
  }

  @Test
  void forgettingAPodClearsItsContainers() {
    backoff.restarted("uid-1/a");
    backoff.forget("uid-1/");
    assertThat(backoff.blockedUntil("uid-1/a", NOW, NOW)).isEmpty();
  }
}
