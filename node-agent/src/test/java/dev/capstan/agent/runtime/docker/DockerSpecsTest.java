package dev.capstan.agent.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DockerSpecsTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "2023-11-14T22:13:20.123456789Z | 2023-11-14T22:13:20.123456789Z",
      "0001-01-01T00:00:00Z | ",
  })
  void dockerTimesAreInstantsAndItsZeroTimeIsNever(String docker, String instant) {
    assertThat(DockerSpecs.time(docker).orElse(null))
        .isEqualTo(instant == null ? null : Instant.parse(instant));
  }
}
