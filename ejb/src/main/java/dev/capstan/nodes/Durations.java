package dev.capstan.nodes;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.logging.Logger;

/** Reads a duration setting from a system property: whole seconds ({@code 40}) or ISO-8601. */
final class Durations {

  private static final Logger LOG = Logger.getLogger(Durations.class.getName());

  private Durations() {}

  static Duration fromProperty(String property, Duration fallback) {
    String value = System.getProperty(property, "").trim();
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      return value.chars().allMatch(Character::isDigit)
          ? Duration.ofSeconds(Long.parseLong(value)) : Duration.parse(value);
    } catch (NumberFormatException | DateTimeParseException e) {
      LOG.warning(() -> property + "=" + value + " is neither seconds nor an ISO-8601 duration;"
          + " using " + fallback.toSeconds() + " s");
      return fallback;
    }
  }
}
