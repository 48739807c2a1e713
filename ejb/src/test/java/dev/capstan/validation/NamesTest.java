package dev.capstan.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "default", "kube-system", "123-abc", "x1",
      "abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefgh"})
  void acceptsRfc1123Labels(String name) {
    assertThat(Names.dns1123LabelProblem(name)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Bad", "under_score", "-lead", "trail-", "dot.ted", "spa ce", "ünï"})
  void rejectsWhatIsNotALowercaseLabelWithKubernetesWording(String name) {
    assertThat(Names.dns1123LabelProblem(name)).hasValueSatisfying(problem -> assertThat(problem)
        .startsWith("a lowercase RFC 1123 label must consist of lower case alphanumeric characters")
        .endsWith("regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"));
  }

  @ParameterizedTest
  @ValueSource(ints = {64, 100})
  void rejectsLabelsLongerThan63Characters(int length) {
    assertThat(Names.dns1123LabelProblem("a".repeat(length)))
        .contains("must be no more than 63 characters");
  }
}
