package dev.capstan.api.objects;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Warning headers are made as kube-apiserver makes them, so none breaks a client. */
class WarningHeadersTest {

  @Test
  void aWarningIsQuotedWithItsQuotesAndBackslashesEscaped() {
    assertThat(WarningHeaders.of(List.of("unknown field \"a\\\\b\"")))
        .containsExactly("299 - \"unknown field \\\"a\\\\\\\\b\\\"\"");
  }

  @Test
  void aWarningWithAControlCharacterOrInvalidUtf8IsNotSentAsKubernetesDropsIt() {
    assertThat(WarningHeaders.of(List.of("a\u0000b", "line\nbreak", "c1\u0085", "del\u007f",
        "lone \ud800 surrogate", "kept"))).containsExactly("299 - \"kept\"");
  }

  @Test
  void theUnknownFieldWarningOfANameWithANulIsGoQuotedAndSent() {
    String warning = FieldValidation.unknownField("a\u0000b\n");

    assertThat(warning).isEqualTo("unknown field \"a\\x00b\\n\"");
    assertThat(WarningHeaders.of(List.of(warning)))
        .containsExactly("299 - \"unknown field \\\"a\\\\x00b\\\\n\\\"\"");
  }

  @Test
  void textBeyondLatin1GoesOutAsUtf8Bytes() {
    String header = WarningHeaders.of(List.of("champ é ✓")).get(0);

    assertThat(header.chars()).allMatch(c -> c < 0x100);
    assertThat(new String(header.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8))
        .isEqualTo("299 - \"champ é ✓\"");
  }

  @Test
  void repeatedAndEmptyWarningsAreSentOnceOrNotAtAll() {
    assertThat(WarningHeaders.of(List.of("a", "", "a", "b"))).containsExactly("299 - \"a\"",
        "299 - \"b\"");
  }

  @Test
  void beyond4096CharactersEveryWarningIsCutTo256AndTheRestLeftOut() {
    List<String> warnings = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      warnings.add(i + ":" + "x".repeat(300));
    }

    List<String> headers = WarningHeaders.of(warnings);

    // the 14th passes 4,096: all are cut to 256 characters, and 16 of those fill 4,096
    assertThat(headers).hasSize(16);
    assertThat(headers.get(0)).isEqualTo("299 - \"0:" + "x".repeat(254) + "\"");
    assertThat(headers.get(15)).startsWith("299 - \"15:");
  }

  @Test
  void warningsWithinTheLimitAreSentWhole() {
    String long1 = "y".repeat(2000);
    assertThat(WarningHeaders.of(List.of(long1, long1 + "z")))
        .containsExactly("299 - \"" + long1 + "\"", "299 - \"" + long1 + "z\"");
  }

  @Test
  void manyShortWarningsAreCutAtOneHundredHeadersWhichUndertowCanHold() {
    List<String> warnings = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      warnings.add(FieldValidation.unknownField("k" + i));
    }

    List<String> headers = WarningHeaders.of(warnings);

    // 1,000 texts of about 14 characters stay under 4,096 characters for about 280 of them,
    // which Kubernetes would all send; Undertow refuses a 128th value of one header
    assertThat(headers).hasSize(WarningHeaders.MAX_HEADERS);
    assertThat(headers.get(0)).isEqualTo("299 - \"unknown field \\\"k0\\\"\"");
    assertThat(headers.get(99)).contains("k99");
  }
}
