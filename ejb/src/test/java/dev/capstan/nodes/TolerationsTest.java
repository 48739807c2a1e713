package dev.capstan.nodes;

import static dev.capstan.nodes.TaintEvictionTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TolerationsTest {

  @ParameterizedTest(name = "{0} tolerates {1}: {2}")
  @CsvSource(delimiter = '|', value = {
      "{\"key\":\"k\",\"value\":\"v\",\"effect\":\"NoSchedule\"} | {\"key\":\"k\",\"value\":\"v\",\"effect\":\"NoSchedule\"} | true",
      "{\"key\":\"k\",\"value\":\"w\"} | {\"key\":\"k\",\"value\":\"v\",\"effect\":\"NoSchedule\"} | false",
      "{\"key\":\"k\",\"operator\":\"Exists\"} | {\"key\":\"k\",\"value\":\"v\",\"effect\":\"NoExecute\"} | true",
      "{\"key\":\"k\",\"operator\":\"Exists\",\"effect\":\"NoSchedule\"} | {\"key\":\"k\",\"effect\":\"NoExecute\"} | false",
      "{\"operator\":\"Exists\"} | {\"key\":\"anything\",\"effect\":\"NoExecute\"} | true",
      "{\"operator\":\"Exists\",\"effect\":\"NoSchedule\"} | {\"key\":\"anything\",\"effect\":\"NoExecute\"} | false",
      "{\"value\":\"v\"} | {\"key\":\"k\",\"value\":\"v\",\"effect\":\"NoSchedule\"} | false",
      "{\"key\":\"other\",\"operator\":\"Exists\"} | {\"key\":\"k\",\"effect\":\"NoSchedule\"} | false",
      "{\"key\":\"k\"} | {\"key\":\"k\",\"effect\":\"NoSchedule\"} | true"})
  void tolerationsMatchTaintsAsInKubernetes(String toleration, String taint, boolean tolerated) {
    assertThat(Tolerations.tolerates(json(toleration), json(taint))).isEqualTo(tolerated);
  }
}
