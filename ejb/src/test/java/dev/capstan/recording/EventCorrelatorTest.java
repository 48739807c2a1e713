package dev.capstan.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EventCorrelatorTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private final EventCorrelator correlator = new EventCorrelator();

  @Test
  void theSameMessageIsCountedOnOneEvent() {
    EventCorrelator.Decision first = correlator.correlate("rc|FailedCreate", "full", NOW);
    EventCorrelator.Decision again = correlator.correlate("rc|FailedCreate", "full", NOW);

    assertThat(again).isEqualTo(first);
    assertThat(first.message()).isEqualTo("full");
  }

  @Test
  void similarEventsWithDifferentMessagesAreCombinedFromTheTenthOn() {
    IntStream.range(0, 9).forEach(i -> assertThat(correlator.correlate("rc|FailedCreate",
        "pods \"p" + i + "\" is forbidden", NOW).message()).isEqualTo("pods \"p" + i + "\" is forbidden"));

    EventCorrelator.Decision tenth = correlator.correlate("rc|FailedCreate", "pods \"p9\"", NOW);
    EventCorrelator.Decision eleventh = correlator.correlate("rc|FailedCreate", "pods \"pa\"", NOW);

    assertThat(tenth.message()).isEqualTo("(combined from similar events): pods \"p9\"");
    assertThat(eleventh.key()).isEqualTo(tenth.key());
    assertThat(correlator.correlate("rc|SuccessfulCreate", "Created pod: x", NOW).message())
        .isEqualTo("Created pod: x");
  }

  @Test
  void similarEventsFarApartStartAgain() {
    IntStream.range(0, 9).forEach(i -> correlator.correlate("rc|FailedCreate", "m" + i, NOW));

    assertThat(correlator.correlate("rc|FailedCreate", "m9",
        NOW.plus(Duration.ofMinutes(11))).message()).isEqualTo("m9");
  }
}
