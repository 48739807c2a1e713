package dev.capstan.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The store's and the scheduler's series as Prometheus reads them. */
class StoreAndSchedulerMetricsTest {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @Test
  void storeCallsAreAHistogramWithKubeApiserversNameLabelsAndBuckets() {
    StoreMetrics store = new StoreMetrics(registry);
    store.requested("get", "pods", Duration.ofMillis(3));
    store.requested("get", "pods", Duration.ofMillis(70));
    store.requested("create", "deployments.apps", Duration.ofMillis(12));

    String text = registry.scrape();
    assertThat(text)
        .contains("# TYPE etcd_request_duration_seconds histogram")
        .contains("etcd_request_duration_seconds_bucket{operation=\"get\",type=\"pods\","
            + "le=\"0.005\"} 1")
        .contains("etcd_request_duration_seconds_bucket{operation=\"get\",type=\"pods\","
            + "le=\"0.1\"} 2")
        .contains("etcd_request_duration_seconds_bucket{operation=\"get\",type=\"pods\","
            + "le=\"60.0\"} 2")
        .contains("etcd_request_duration_seconds_count{operation=\"get\",type=\"pods\"} 2")
        .contains("etcd_request_duration_seconds_count{operation=\"create\","
            + "type=\"deployments.apps\"} 1");
  }

  @Test
  void pendingPodsAreAGaugeByQueueFromTheStart() {
    SchedulerMetrics scheduler = new SchedulerMetrics(registry, "default-scheduler");
    assertThat(registry.scrape())
        .contains("scheduler_pending_pods{queue=\"active\"} 0.0")
        .contains("scheduler_pending_pods{queue=\"backoff\"} 0.0")
        .contains("scheduler_pending_pods{queue=\"unschedulable\"} 0.0");

    scheduler.pending(3, 1, 2);

    assertThat(registry.scrape())
        .contains("# TYPE scheduler_pending_pods gauge")
        .contains("scheduler_pending_pods{queue=\"active\"} 3.0")
        .contains("scheduler_pending_pods{queue=\"backoff\"} 1.0")
        .contains("scheduler_pending_pods{queue=\"unschedulable\"} 2.0");
  }
}
