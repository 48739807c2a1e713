package dev.capstan.api.options;

import dev.capstan.api.status.Statuses;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Kubernetes' conversion of query parameters into typed options (apimachinery's
 * {@code runtime.Convert_Slice_string_To_*}): the first value counts; a number that does not
 * parse is a 400 whose message is Go's {@code strconv} error, exactly as kube-apiserver answers it.
 */
public final class QueryValues {

  private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
  private static final Pattern UNSIGNED = Pattern.compile("[0-9]+");

  private QueryValues() {}

  /** The parameter's first value, as sent (also when empty); empty when absent. */
  public static Optional<String> first(Map<String, List<String>> query, String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /**
   * An {@code int64} parameter: {@code strconv.ParseInt: parsing "abc": invalid syntax} (400)
   * when it is not a decimal integer, {@code ... value out of range} when it does not fit.
   */
  public static OptionalLong int64(Map<String, List<String>> query, String name) {
    Optional<String> value = first(query, name);
    return value.isEmpty() ? OptionalLong.empty() : OptionalLong.of(parseInt64(value.get()));
  }

  /** Go's {@code strconv.ParseInt(value, 10, 64)}, its error as a 400 Status. */
  public static long parseInt64(String value) {
    if (!INTEGER.matcher(value).matches()) {
      throw Statuses.badRequest("strconv.ParseInt: parsing " + GoStrings.quote(value)
          + ": invalid syntax");
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw Statuses.badRequest("strconv.ParseInt: parsing " + GoStrings.quote(value)
          + ": value out of range");
    }
  }

  /**
   * Go's {@code strconv.ParseUint(value, 10, 64)} as the storage layer parses a resourceVersion;
   * empty when it fails, with the error's words in {@code error}.
   *
   * @return the number, or the error message (one of the two is present)
   */
  public static ParsedUnsigned parseUint64(String value) {
    if (!UNSIGNED.matcher(value).matches()) {
      return new ParsedUnsigned(OptionalLong.empty(),
          "strconv.ParseUint: parsing " + GoStrings.quote(value) + ": invalid syntax");
    }
    try {
      return new ParsedUnsigned(OptionalLong.of(Long.parseLong(value)), "");
    } catch (NumberFormatException e) {
      // Kubernetes' revisions are uint64; Capstan's are PostgreSQL bigints, which end earlier
      return new ParsedUnsigned(OptionalLong.empty(),
          "strconv.ParseUint: parsing " + GoStrings.quote(value) + ": value out of range");
    }
  }

  /** A value in Go's {@code %q} quoting, as Kubernetes' messages print values. */
  public static String quote(String value) {
    return GoStrings.quote(value);
  }

  /** The outcome of {@link #parseUint64}. */
  public record ParsedUnsigned(OptionalLong value, String error) {}

  /**
   * A boolean parameter as Kubernetes converts it: absent, {@code 0} and {@code false} (any case)
   * are false, any other value (even an empty one) is true; it never fails.
   */
  public static boolean bool(Map<String, List<String>> query, String name) {
    return first(query, name)
        .map(value -> !value.equals("0") && !value.equalsIgnoreCase("false"))
        .orElse(false);
  }

  /** A boolean parameter that may be absent (Kubernetes' {@code *bool}). */
  public static Optional<Boolean> optionalBool(Map<String, List<String>> query, String name) {
    return first(query, name).map(value -> !value.equals("0") && !value.equalsIgnoreCase("false"));
  }

  /**
   * A {@code metav1.Time} parameter: RFC 3339 ({@code null} and empty mean unset); a value that
   * does not parse is a 400 with Go's {@code time.Parse} error.
   */
  public static Optional<Instant> time(Map<String, List<String>> query, String name) {
    Optional<String> value = first(query, name);
    if (value.isEmpty() || value.get().isEmpty() || value.get().equals("null")) {
      return Optional.empty();
    }
    return Optional.of(Rfc3339.parse(value.get()));
  }
}
