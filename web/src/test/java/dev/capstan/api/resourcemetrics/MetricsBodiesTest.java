package dev.capstan.api.resourcemetrics;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MetricsBodiesTest {

  private static final Instant NOW = Instant.parse("2026-12-07T07:00:00.250Z");

  private static final JsonObject SUMMARY = json("""
      {"node":{"nodeName":"n1","cpu":{"time":"2026-12-07T06:59:55Z","usageNanoCores":986000000,
        "usageCoreNanoSeconds":5},"memory":{"time":"2026-12-07T06:59:55Z",
        "workingSetBytes":12640256}},
       "pods":[{"podRef":{"name":"web","namespace":"a","uid":"u1"},
         "containers":[
           {"name":"main","cpu":{"time":"2026-12-07T06:59:55Z","usageNanoCores":123456789},
            "memory":{"time":"2026-12-07T06:59:55Z","workingSetBytes":1048576}},
           {"name":"new","cpu":{"time":"2026-12-07T06:59:55Z","usageCoreNanoSeconds":1},
            "memory":{"time":"2026-12-07T06:59:55Z","workingSetBytes":4096}}]}]}""");

  @Test
  void nodeMetricsCarryTheNodesLabelsTheSampleTimeWindowAndUsage() {
    JsonObject node = json("""
        {"metadata":{"name":"n1","uid":"x","labels":{"zone":"a"}}}""");

    JsonObject metrics = MetricsBodies.single("NodeMetrics",
        MetricsBodies.node(node, SUMMARY, NOW).orElseThrow());

    assertThat(metrics).isEqualTo(json("""
        {"kind":"NodeMetrics","apiVersion":"metrics.k8s.io/v1beta1",
         "metadata":{"name":"n1","creationTimestamp":"2026-12-07T07:00:00Z",
           "labels":{"zone":"a"}},
         "timestamp":"2026-12-07T06:59:55Z","window":"10s",
         "usage":{"cpu":"986m","memory":"12344Ki"}}"""));
  }

  @Test
  void podMetricsListTheContainersThatHaveARateAndSkipAnEarlierPodOfTheSameName() {
    JsonObject stats = MetricsBodies.podsOf(SUMMARY).get("a/web");
    JsonObject pod = json("""
        {"metadata":{"name":"web","namespace":"a","uid":"u1"}}""");

    assertThat(MetricsBodies.pod(pod, stats, NOW).orElseThrow()).isEqualTo(json("""
        {"metadata":{"name":"web","namespace":"a","creationTimestamp":"2026-12-07T07:00:00Z"},
         "timestamp":"2026-12-07T06:59:55Z","window":"10s",
         "containers":[{"name":"main","usage":{"cpu":"123456789n","memory":"1Mi"}}]}"""));
    JsonObject recreated = json("""
        {"metadata":{"name":"web","namespace":"a","uid":"u2"}}""");
    assertThat(MetricsBodies.pod(recreated, stats, NOW)).isEmpty();
  }

  @Test
  void aNodeWithoutARateYetHasNoMetrics() {
    JsonObject first = json("""
        {"node":{"cpu":{"usageCoreNanoSeconds":5},"memory":{"workingSetBytes":4096}}}""");

    assertThat(MetricsBodies.node(json("{\"metadata\":{\"name\":\"n\"}}"), first, NOW))
        .isEmpty();
  }

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }
}
