package dev.capstan.cron;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A CronJob's {@code schedule} in standard cron syntax (minute hour day-of-month month
 * day-of-week, names and ranges, steps; a day matches when either day field does if both are
 * restricted) or one of the descriptors Kubernetes accepts ({@code @hourly}, {@code @daily} ...),
 * read in a time zone. Parsing is cron-utils' Unix definition; immutable and thread-safe.
 */
public final class CronSchedule {

  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private static final Map<String, String> DESCRIPTORS = Map.of(
      "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *",
      "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *",
      "@hourly", "0 * * * *");

  private final ExecutionTime times;
  private final ZoneId zone;

  private CronSchedule(ExecutionTime times, ZoneId zone) {
    this.times = times;
    this.zone = zone;
  }

  /**
   * Parses a schedule.
   *
   * @throws IllegalArgumentException saying what is wrong, for the API's 422
   */
  public static CronSchedule parse(String schedule, ZoneId zone) {
    String text = schedule.trim();
    if (text.startsWith("TZ=") || text.startsWith("CRON_TZ=")) {
      throw new IllegalArgumentException(
          "cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
    }
    if (text.startsWith("@")) {
      String expanded = DESCRIPTORS.get(text.toLowerCase(Locale.ROOT));
      if (expanded == null) {
        throw new IllegalArgumentException("unrecognized descriptor: " + text);
      }
      text = expanded;
    }
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty spec string");
    }
    try {
      return new CronSchedule(ExecutionTime.forCron(PARSER.parse(text).validate()), zone);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() == null ? "invalid schedule"
          : e.getMessage(), e);
    }
  }

  /** The problem with a schedule, if it has one. */
  public static Optional<String> problem(String schedule) {
    try {
      parse(schedule, ZoneId.of("UTC"));
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }

  /** The first scheduled time strictly after {@code after}. */
  public Optional<Instant> next(Instant after) {
    return times.nextExecution(ZonedDateTime.ofInstant(after, zone)).map(ZonedDateTime::toInstant);
  }

  /** The last scheduled time at or before {@code atOrBefore}. */
  public Optional<Instant> last(Instant atOrBefore) {
    ZonedDateTime at = ZonedDateTime.ofInstant(atOrBefore, zone);
    if (times.isMatch(at.withSecond(0).withNano(0)) ) {
      return Optional.of(at.withSecond(0).withNano(0).toInstant());
    }
    return times.lastExecution(at).map(ZonedDateTime::toInstant);
  }

  public ZoneId zone() {
    return zone;
  }
}
