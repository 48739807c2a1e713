package dev.capstan.cron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronScheduleTest {

  /** Monday 30 November 2026, 10:07:30 UTC. */
  private static final Instant NOW = Instant.parse("2026-11-30T10:07:30Z");

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "every minute|* * * * *|UTC|2026-11-30T10:08:00Z 2026-11-30T10:09:00Z 2026-11-30T10:10:00Z",
      "every fifteen minutes|*/15 * * * *|UTC|2026-11-30T10:15:00Z 2026-11-30T10:30:00Z 2026-11-30T10:45:00Z",
      "a list and a range|0 9-10,14 * * *|UTC|2026-11-30T14:00:00Z 2026-12-01T09:00:00Z 2026-12-01T10:00:00Z",
      "week days by name|30 8 * * MON-FRI|UTC|2026-12-01T08:30:00Z 2026-12-02T08:30:00Z 2026-12-03T08:30:00Z",
      "Sunday as 0|0 0 * * 0|UTC|2026-12-06T00:00:00Z 2026-12-13T00:00:00Z 2026-12-20T00:00:00Z",
      "Sunday as 7|0 0 * * 7|UTC|2026-12-06T00:00:00Z 2026-12-13T00:00:00Z 2026-12-20T00:00:00Z",
      "month by name|0 0 1 jan *|UTC|2027-01-01T00:00:00Z 2028-01-01T00:00:00Z 2029-01-01T00:00:00Z",
      "both day fields: either matches|0 0 1 * 1|UTC|2026-12-01T00:00:00Z 2026-12-07T00:00:00Z 2026-12-14T00:00:00Z",
      "29 February|0 0 29 2 *|UTC|2028-02-29T00:00:00Z 2032-02-29T00:00:00Z 2036-02-29T00:00:00Z",
      "@hourly|@hourly|UTC|2026-11-30T11:00:00Z 2026-11-30T12:00:00Z 2026-11-30T13:00:00Z",
      "@daily|@daily|UTC|2026-12-01T00:00:00Z 2026-12-02T00:00:00Z 2026-12-03T00:00:00Z",
      "@weekly|@weekly|UTC|2026-12-06T00:00:00Z 2026-12-13T00:00:00Z 2026-12-20T00:00:00Z",
      "@monthly|@monthly|UTC|2026-12-01T00:00:00Z 2027-01-01T00:00:00Z 2027-02-01T00:00:00Z",
      "@yearly|@yearly|UTC|2027-01-01T00:00:00Z 2028-01-01T00:00:00Z 2029-01-01T00:00:00Z",
      "in a time zone|0 9 * * *|Europe/Berlin|2026-12-01T08:00:00Z 2026-12-02T08:00:00Z 2026-12-03T08:00:00Z",
      "across a daylight saving change|30 2 * * *|America/New_York|2026-12-01T07:30:00Z 2026-12-02T07:30:00Z 2026-12-03T07:30:00Z"})
  void nextTimesFollowTheSchedule(String what, String schedule, String zone, String expected) {
    CronSchedule cron = CronSchedule.parse(schedule, ZoneId.of(zone));
    List<String> times = new ArrayList<>();
    Instant at = NOW;
    for (int i = 0; i < 3; i++) {
      at = cron.next(at).orElseThrow();
      times.add(at.toString());
    }
    assertThat(String.join(" ", times)).as(what).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "every minute|* * * * *|2026-11-30T10:07:00Z",
      "on the minute itself|7 10 * * *|2026-11-30T10:07:00Z",
      "earlier today|0 9 * * *|2026-11-30T09:00:00Z",
      "last week|0 0 * * SUN|2026-11-29T00:00:00Z"})
  void lastTimeIsTheLatestAtOrBeforeNow(String what, String schedule, String expected) {
    assertThat(CronSchedule.parse(schedule, ZoneId.of("UTC")).last(NOW).orElseThrow())
        .as(what).isEqualTo(Instant.parse(expected));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a word|not a schedule|expect",
      "four fields|* * * *|contains 4 parts",
      "six fields (seconds)|0 * * * * *|contains 6 parts",
      "minute out of range|60 * * * *|60",
      "hour out of range|0 24 * * *|24",
      "unknown descriptor|@fortnightly|unrecognized descriptor",
      "a TZ prefix|TZ=UTC * * * * *|use timeZone field instead"})
  void badSchedulesSayWhy(String what, String schedule, String message) {
    assertThatThrownBy(() -> CronSchedule.parse(schedule, ZoneId.of("UTC"))).as(what)
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    assertThat(CronSchedule.problem(schedule)).as(what).isPresent();
  }
}
