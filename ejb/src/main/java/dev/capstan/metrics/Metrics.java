package dev.capstan.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * This server's metrics, served in Prometheus' text format at {@code /metrics} as each
 * kube-apiserver, kube-controller-manager and kube-scheduler serves its own. Micrometer's
 * Prometheus registry holds them (a well-kept library, rather than hand-written exposition);
 * the meters carry Kubernetes' names and labels ({@code apiserver_request_total},
 * {@code workqueue_depth}, {@code scheduler_schedule_attempts_total} ...) so dashboards and
 * alerts written for Kubernetes read them. Every server of a cluster has its own: Prometheus
 * scrapes each, as it scrapes each apiserver.
 */
@ApplicationScoped
public class Metrics {

  /** kube-apiserver's request latency buckets (seconds). */
  static final Duration[] REQUEST_BUCKETS = seconds(0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8,
      1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60);
  /** client-go's work queue latency buckets: 10 ns to 10 s by powers of ten. */
  static final Duration[] QUEUE_BUCKETS = seconds(1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1,
      1, 10);

  /** kube-scheduler's attempt latency buckets: 1 ms doubling, 15 buckets. */
  static final Duration[] SCHEDULING_BUCKETS = seconds(0.001, 0.002, 0.004, 0.008, 0.016, 0.032,
      0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192, 16.384);

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private JvmGcMetrics gc;

  @PostConstruct
  void bindJvm() {
    new JvmMemoryMetrics().bindTo(registry);
    gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  @PreDestroy
  void close() {
    if (gc != null) {
      gc.close();
    }
    registry.close();
  }

  /** kube-apiserver's request latency buckets, for the API's own timers. */
  public static Duration[] requestBuckets() {
    return REQUEST_BUCKETS.clone();
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Every meter in Prometheus' text exposition format 0.0.4. */
  public String scrape() {
    return registry.scrape();
  }

  private static Duration[] seconds(double... values) {
    Duration[] durations = new Duration[values.length];
    for (int i = 0; i < values.length; i++) {
      durations[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
    }
    return durations;
  }
}
