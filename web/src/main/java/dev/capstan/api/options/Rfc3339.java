package dev.capstan.api.options;

import dev.capstan.api.status.Statuses;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Go's {@code time.Parse(time.RFC3339, value)}, which kube-apiserver uses for time parameters
 * ({@code sinceTime}), with its error words: it walks the layout
 * {@code 2006-01-02T15:04:05Z07:00} element by element and names the first one the value does
 * not match ({@code cannot parse "x" as "2006"}), a field out of range, or extra text.
 */
final class Rfc3339 {

  static final String LAYOUT = "2006-01-02T15:04:05Z07:00";

  /** The layout's elements: digits of a width, or literal text. */
  private static final String[] ELEMENTS = {"2006", "-", "01", "-", "02", "T", "15", ":", "04",
      ":", "05"};

  private Rfc3339() {}

  static Instant parse(String value) {
    int[] fields = new int[6];
    int position = 0;
    int field = 0;
    for (String element : ELEMENTS) {
      String rest = value.substring(position);
      if (Character.isDigit(element.charAt(0))) {
        int width = element.length();
        if (rest.length() < width || !rest.substring(0, width).chars().allMatch(
            c -> c >= '0' && c <= '9')) {
          throw cannotParse(value, rest, element);
        }
        fields[field++] = Integer.parseInt(rest.substring(0, width));
        position += width;
      } else {
        if (!rest.startsWith(element)) {
          throw cannotParse(value, rest, element);
        }
        position += element.length();
      }
    }
    int nanos = 0;
    if (position < value.length() && (value.charAt(position) == '.'
        || value.charAt(position) == ',')) {
      int end = position + 1;
      while (end < value.length() && Character.isDigit(value.charAt(end)) && end - position <= 9) {
        end++;
      }
      String digits = value.substring(position + 1, end);
      if (!digits.isEmpty()) {
        nanos = Integer.parseInt((digits + "000000000").substring(0, 9));
        position = end;
      }
    }
    String zone = value.substring(position);
    ZoneOffset offset;
    int consumed;
    if (zone.startsWith("Z")) {
      offset = ZoneOffset.UTC;
      consumed = 1;
    } else if (zone.length() >= 6 && (zone.charAt(0) == '+' || zone.charAt(0) == '-')
        && zone.substring(1, 3).chars().allMatch(Character::isDigit) && zone.charAt(3) == ':'
        && zone.substring(4, 6).chars().allMatch(Character::isDigit)) {
      int hours = Integer.parseInt(zone.substring(1, 3));
      int minutes = Integer.parseInt(zone.substring(4, 6));
      if (hours > 24 || minutes > 60) {
        throw failure(value, "time zone offset out of range");
      }
      int seconds = (hours * 3600 + minutes * 60) * (zone.charAt(0) == '-' ? -1 : 1);
      offset = ZoneOffset.ofTotalSeconds(Math.max(-18 * 3600, Math.min(18 * 3600, seconds)));
      consumed = 6;
    } else {
      throw cannotParse(value, zone, "Z07:00");
    }
    if (zone.length() > consumed) {
      throw Statuses.badRequest("parsing time " + GoStrings.quote(value) + ": extra text: "
          + GoStrings.quote(zone.substring(consumed)));
    }
    String range = outOfRange(fields);
    if (range != null) {
      throw failure(value, range);
    }
    try {
      return LocalDateTime.of(fields[0], fields[1], fields[2], fields[3], fields[4], fields[5],
          nanos).toInstant(offset);
    } catch (DateTimeException e) {
      throw failure(value, "day out of range");
    }
  }

  private static String outOfRange(int[] fields) {
    if (fields[1] < 1 || fields[1] > 12) {
      return "month out of range";
    }
    if (fields[2] < 1 || fields[2] > java.time.YearMonth.of(fields[0], fields[1]).lengthOfMonth()) {
      return "day out of range";
    }
    if (fields[3] > 23) {
      return "hour out of range";
    }
    if (fields[4] > 59) {
      return "minute out of range";
    }
    if (fields[5] > 59) {
      return "second out of range";
    }
    return null;
  }

  private static RuntimeException cannotParse(String value, String rest, String element) {
    return Statuses.badRequest("parsing time " + GoStrings.quote(value) + " as \"" + LAYOUT
        + "\": cannot parse " + GoStrings.quote(rest) + " as \"" + element + "\"");
  }

  private static RuntimeException failure(String value, String problem) {
    return Statuses.badRequest("parsing time " + GoStrings.quote(value) + ": " + problem);
  }
}
