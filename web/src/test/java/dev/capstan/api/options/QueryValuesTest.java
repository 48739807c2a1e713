package dev.capstan.api.options;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.api.status.ApiException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryValuesTest {

  @Test
  void int64ParsesAsGosStrconvAndFailsWithItsWords() {
    assertThat(QueryValues.int64(Map.of("limit", List.of("+42")), "limit")).hasValue(42);
    assertThat(QueryValues.int64(Map.of("limit", List.of("-7")), "limit")).hasValue(-7);
    assertThat(QueryValues.int64(Map.of(), "limit")).isEmpty();
    assertThat(message(() -> QueryValues.int64(Map.of("x", List.of("abc")), "x")))
        .isEqualTo("strconv.ParseInt: parsing \"abc\": invalid syntax");
    assertThat(message(() -> QueryValues.int64(Map.of("x", List.of("")), "x")))
        .isEqualTo("strconv.ParseInt: parsing \"\": invalid syntax");
    assertThat(message(() -> QueryValues.int64(Map.of("x", List.of("\u0663")), "x")))
        .as("digits of other scripts are not Go's digits")
        .isEqualTo("strconv.ParseInt: parsing \"\u0663\": invalid syntax");
    assertThat(message(() -> QueryValues.int64(Map.of("x", List.of("9223372036854775808")), "x")))
        .isEqualTo("strconv.ParseInt: parsing \"9223372036854775808\": value out of range");
  }

  @Test
  void boolsAreFalseOnlyForZeroAndFalseInAnyCase() {
    assertThat(QueryValues.bool(Map.of("w", List.of("FALSE")), "w")).isFalse();
    assertThat(QueryValues.bool(Map.of("w", List.of("0")), "w")).isFalse();
    assertThat(QueryValues.bool(Map.of("w", List.of("")), "w")).isTrue();
    assertThat(QueryValues.bool(Map.of("w", List.of("yes")), "w")).isTrue();
    assertThat(QueryValues.bool(Map.of(), "w")).isFalse();
  }

  @Test
  void timesAreRfc3339WithGosErrors() {
    assertThat(QueryValues.time(Map.of("t", List.of("2026-01-02T03:04:05.5+01:00")), "t"))
        .hasValue(Instant.parse("2026-01-02T02:04:05.500Z"));
    assertThat(QueryValues.time(Map.of("t", List.of("null")), "t")).isEmpty();
    assertThat(message(() -> QueryValues.time(Map.of("t", List.of("2026-01-02")), "t")))
        .isEqualTo("parsing time \"2026-01-02\" as \"2006-01-02T15:04:05Z07:00\": cannot parse"
            + " \"\" as \"T\"");
    assertThat(message(() -> QueryValues.time(Map.of("t", List.of("2026-02-30T00:00:00Z")), "t")))
        .isEqualTo("parsing time \"2026-02-30T00:00:00Z\": day out of range");
    assertThat(message(() -> QueryValues.time(Map.of("t", List.of("2026-01-02T03:04:05Zx")),
        "t"))).isEqualTo("parsing time \"2026-01-02T03:04:05Zx\": extra text: \"x\"");
  }

  @Test
  void resourceVersionsAreUnsignedRevisions() {
    assertThat(MetaOptions.resourceVersion(Map.of("resourceVersion", List.of("0")))).isEmpty();
    assertThat(MetaOptions.resourceVersion(Map.of("resourceVersion", List.of("12")))).hasValue(12L);
    assertThat(message(() -> MetaOptions.resourceVersion(
        Map.of("resourceVersion", List.of("-1"))))).isEqualTo("invalid resource version:"
            + " resourceVersion: Invalid value: \"-1\": strconv.ParseUint: parsing \"-1\":"
            + " invalid syntax");
  }

  @Test
  void fieldManagersMustBePrintable() {
    assertThat(message(() -> MetaOptions.checkCreate(
        Map.of("fieldManager", List.of("a\u0001"))))).isEqualTo(
            "CreateOptions.meta.k8s.io \"\" is invalid: fieldManager: Invalid value: \"a\\x01\":"
                + " invalid character U+0001 (at position 1)");
  }

  @Test
  void severalErrorsArePrintedAsGosAggregate() {
    assertThat(message(() -> MetaOptions.checkList(Map.of("resourceVersionMatch",
        List.of("Bogus"), "continue", List.of("x")), false))).isEqualTo(
            "ListOptions.meta.k8s.io \"\" is invalid: [resourceVersionMatch: Forbidden:"
                + " resourceVersionMatch is forbidden unless resourceVersion is provided,"
                + " resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when"
                + " continue is provided, resourceVersionMatch: Unsupported value: \"Bogus\":"
                + " supported values: \"Exact\", \"NotOlderThan\", \"\"]");
  }

  private static String message(Runnable call) {
    try {
      call.run();
    } catch (ApiException e) {
      return e.getMessage();
    }
    throw new AssertionError("no Status was thrown");
  }

}
