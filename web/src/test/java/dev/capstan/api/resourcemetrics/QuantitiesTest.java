package dev.capstan.api.resourcemetrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class QuantitiesTest {

  @Test
  void cpuIsWrittenWithTheLargestSuffixThatKeepsItWhole() {
    assertThat(Quantities.nanoCores(0)).isEqualTo("0");
    assertThat(Quantities.nanoCores(986_000_000L)).isEqualTo("986m");
    assertThat(Quantities.nanoCores(123_456_789L)).isEqualTo("123456789n");
    assertThat(Quantities.nanoCores(123_456_000L)).isEqualTo("123456u");
    assertThat(Quantities.nanoCores(2_000_000_000L)).isEqualTo("2");
    assertThat(Quantities.nanoCores(1_500_000_000L)).isEqualTo("1500m");
  }

  @Test
  void memoryIsWrittenInTheLargestPowerOf1024ThatDividesIt() {
    assertThat(Quantities.bytes(12_640_256L)).isEqualTo("12344Ki");
    assertThat(Quantities.bytes(1_048_576L)).isEqualTo("1Mi");
    assertThat(Quantities.bytes(1_500L)).isEqualTo("1500");
    assertThat(Quantities.bytes(512L)).isEqualTo("512");
    assertThat(Quantities.bytes(0L)).isEqualTo("0");
  }

  @Test
  void windowsAreWrittenAsGoWritesDurations() {
    assertThat(Quantities.duration(Duration.ofSeconds(10))).isEqualTo("10s");
    assertThat(Quantities.duration(Duration.ofMillis(10_500))).isEqualTo("10.5s");
    assertThat(Quantities.duration(Duration.ofSeconds(90))).isEqualTo("1m30s");
  }
}
