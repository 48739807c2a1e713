package dev.capstan.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchedulingBackoffTest {

  private static final Instant T = Instant.parse("2026-12-06T04:00:00Z");
  private final SchedulingBackoff backoff =
      new SchedulingBackoff(Duration.ofSeconds(1), Duration.ofSeconds(10));

  @Test
  void anUnschedulablePodWaitsOneSecondDoublingUpToTen() {
    assertThat(backoff.due("a", T)).isTrue();
    assertThat(backoff.failed("a", T)).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.due("a", T.plusMillis(999))).isFalse();
    assertThat(backoff.due("a", T.plusSeconds(1))).isTrue();
    assertThat(backoff.failed("a", T)).isEqualTo(Duration.ofSeconds(2));
    assertThat(backoff.failed("a", T)).isEqualTo(Duration.ofSeconds(4));
    assertThat(backoff.failed("a", T)).isEqualTo(Duration.ofSeconds(8));
    assertThat(backoff.failed("a", T)).isEqualTo(Duration.ofSeconds(10));
    assertThat(backoff.failed("a", T)).isEqualTo(Duration.ofSeconds(10));
    assertThat(backoff.due("b", T)).as("another pod is not held back").isTrue();
  }

  @Test
  void aBoundPodStartsOver() {
    backoff.failed("a", T);
    backoff.failed("a", T);
    backoff.forget("a");
    assertThat(backoff.due("a", T)).isTrue();
    assertThat(backoff.failed("a", T)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void podsDeletedWhileUnschedulableAreForgotten() {
    for (int i = 0; i < 100; i++) {
      backoff.failed("deleted-" + i, T);
    }
    backoff.failed("still-pending", T);

    backoff.retainOnly(List.of("still-pending", "new-pod"));

    assertThat(backoff.size()).isEqualTo(1);
    assertThat(backoff.due("still-pending", T)).isFalse();
  }
}
