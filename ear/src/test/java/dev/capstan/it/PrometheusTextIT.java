package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The test parser of Prometheus' text format ({@link PrometheusText}) refuses what Prometheus'
 * parser refuses. No server: it lives among the integration tests because the module that
 * holds the parser runs only failsafe.
 */
class PrometheusTextIT {

  private static final String HISTOGRAM = """
      # HELP etcd_request_duration_seconds Etcd request latency.
      # TYPE etcd_request_duration_seconds histogram
      etcd_request_duration_seconds_bucket{operation="get",type="pods",le="0.005"} 1
      etcd_request_duration_seconds_bucket{operation="get",type="pods",le="0.1"} 2
      etcd_request_duration_seconds_bucket{operation="get",type="pods",le="+Inf"} 2
      etcd_request_duration_seconds_count{operation="get",type="pods"} 2
      etcd_request_duration_seconds_sum{operation="get",type="pods"} 0.073
      """;

  @Test
  void samplesAreReadWithLabelsEscapesValuesAndTimestamps() {
    PrometheusText text = PrometheusText.parse("""
        # HELP apiserver_request_total Counter of apiserver requests.
        # TYPE apiserver_request_total counter
        apiserver_request_total{code="201",path="a \\"b\\" \\\\ c\\nd",verb="POST",} 5.0
        apiserver_request_total{code="404",verb="GET"} 1e3
        # a comment
        container_cpu_usage_seconds_total{container="main",pod="burner"} 12.5 1733570000123
        up NaN
        down +Inf
        """ + HISTOGRAM);

    assertThat(text.sum("apiserver_request_total", Map.of())).isEqualTo(1005.0);
    assertThat(text.samples("apiserver_request_total").get(0).labels())
        .containsEntry("path", "a \"b\" \\ c\nd");
    assertThat(text.samples("container_cpu_usage_seconds_total").get(0).timestampMillis())
        .isEqualTo(1733570000123L);
    assertThat(text.samples("up").get(0).value()).isNaN();
    assertThat(text.sum("down", Map.of())).isInfinite();
    assertThat(text.type("etcd_request_duration_seconds")).isEqualTo("histogram");
    assertThat(text.type("apiserver_request_total")).isEqualTo("counter");
    assertThat(text.sum("etcd_request_duration_seconds_count", Map.of("operation", "get")))
        .isEqualTo(2);
  }

  @Test
  void malformedLinesAreRefusedWithTheirNumber() {
    assertRefused("up 1\nup{a=b} 1\n", "line 2: expected label=\"value\"");
    assertRefused("up{a=\"b} 1\n", "label value not closed");
    assertRefused("up{a=\"\\t\"} 1\n", "invalid escape");
    assertRefused("up{a=\"1\",a=\"2\"} 1\n", "label a given twice");
    assertRefused("up{a=\"1\"}1\n", "expected a space before the value");
    assertRefused("up one\n", "not a number");
    assertRefused("up 1 2 3\n", "text after the timestamp");
    assertRefused("up 1 1.5\n", "not a number");
    assertRefused("9up 1\n", "not a metric name");
  }

  @Test
  void familiesAreTypedOnceBeforeTheirSamplesAndKeptTogether() {
    assertRefused("# TYPE up gauge\n# TYPE up gauge\nup 1\n", "second TYPE for up");
    assertRefused("up 1\n# TYPE up gauge\n", "TYPE for up after its samples");
    assertRefused("# TYPE up magic\nup 1\n", "unknown metric type");
    assertRefused("up{a=\"1\"} 1\ndown 1\nup{a=\"2\"} 1\n", "samples of up are not together");
    assertRefused("up{a=\"1\"} 1\nup{a=\"1\"} 2\n", "a series given twice");
  }

  @Test
  void histogramsAreCumulativeAndEndInAnInfiniteBucketEqualToTheirCount() {
    assertRefused(HISTOGRAM.replace("le=\"0.1\"} 2", "le=\"0.1\"} 0"),
        "counts less than the bucket below it");
    assertRefused(HISTOGRAM.replace("le=\"+Inf\"} 2\n", "le=\"+Inf\"} 3\n"),
        "_count is not the +Inf bucket's 3.0");
    assertRefused(HISTOGRAM.lines().filter(line -> !line.contains("+Inf"))
        .reduce("", (a, b) -> a + b + "\n"), "has no le=\"+Inf\" bucket");
    assertRefused(HISTOGRAM.lines().filter(line -> !line.contains("_sum"))
        .reduce("", (a, b) -> a + b + "\n"), "has no _sum");
  }

  private static void assertRefused(String text, String why) {
    assertThatThrownBy(() -> PrometheusText.parse(text))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(why);
  }
}
