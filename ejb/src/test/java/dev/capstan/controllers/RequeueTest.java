package dev.capstan.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RequeueTest {

  private static final Instant T = Instant.parse("2026-11-30T10:00:00Z");

  @Test
  void keysComeDueOnceAtTheEarliestTimeAsked() {
    Requeue requeue = new Requeue();
    requeue.after("ns/a", T.plusSeconds(10));
    requeue.after("ns/a", T.plusSeconds(5));
    requeue.after("ns/b", T.plusSeconds(20));

    assertThat(requeue.due(T.plusSeconds(4))).isEmpty();
    assertThat(requeue.due(T.plusSeconds(5))).containsExactly("ns/a");
    assertThat(requeue.due(T.plusSeconds(10))).as("handed out once").isEmpty();
    assertThat(requeue.due(T.plusSeconds(30))).containsExactly("ns/b");
  }
}
