package dev.capstan.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuantityTest {

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
      "3, 3",
      "1000, 1k",
      "1500, 1500",
      "1500000, 1500k",
      "0.5, 500m",
      "1.5, 1500m",
      "500m, 500m",
      "1000m, 1",
      "128Mi, 128Mi",
      "1.5Gi, 1536Mi",
      "1024Mi, 1Gi",
      "512, 512",
      "128M, 128M",
      "1e3, 1e3",
      "0, 0",
      "100u, 100u",
  })
  void printsTheCanonicalFormKubernetesPrints(String text, String canonical) {
    assertThat(Quantity.parse(text).toString()).isEqualTo(canonical);
  }

  @ParameterizedTest(name = "{0} + {1} = {2}")
  @CsvSource({
      "1, 2, 3",
      "500m, 500m, 1",
      "128Mi, 128Mi, 256Mi",
      "0, 128Mi, 128Mi",
      "100m, 1, 1100m",
  })
  void addsExactlyKeepingTheFormat(String a, String b, String sum) {
    assertThat(Quantity.parse(a).plus(Quantity.parse(b)).toString()).isEqualTo(sum);
  }

  @ParameterizedTest(name = "{0} compared to {1} is {2}")
  @CsvSource({
      "1, 1000m, 0",
      "1Gi, 1G, 1",
      "500m, 0.6, -1",
  })
  void comparesAmounts(String a, String b, int sign) {
    assertThat(Integer.signum(Quantity.parse(a).compareTo(Quantity.parse(b)))).isEqualTo(sign);
  }

  @ParameterizedTest
  @CsvSource({"250m, 250, 1", "2, 2000, 2", "1Ki, 1024000, 1024", "1.5m, 2, 1"})
  void roundsUpToMilliAndWholeUnits(String text, long milli, long whole) {
    assertThat(Quantity.parse(text).milliValue()).isEqualTo(milli);
    assertThat(Quantity.parse(text).value()).isEqualTo(whole);
  }

  @ParameterizedTest
  @CsvSource({"abc", "1Qi", "''", "1.2.3"})
  void refusesWhatIsNoQuantity(String text) {
    assertThatThrownBy(() -> Quantity.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }
}
