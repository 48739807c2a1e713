package dev.capstan.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The store's latency, as kube-apiserver times its requests to etcd:
 * {@code etcd_request_duration_seconds} by {@code operation} ({@code get}, {@code list},
 * {@code create}, {@code update}, {@code delete}) and {@code type} (the resource, as
 * kube-apiserver's group-resource: {@code pods}, {@code deployments.apps}), with its buckets
 * (5 ms to 60 s). The name is kube-apiserver's although Capstan's store is PostgreSQL, so that
 * dashboards and alerts written for Kubernetes' storage latency read it; a call is timed from
 * the store's entry to its return, its SQL and (for a write that starts its own transaction) the
 * commit included.
 */
public final class StoreMetrics {

  private final MeterRegistry registry;

  public StoreMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** A call of the store ended, whether it succeeded or failed. */
  public void requested(String operation, String type, Duration took) {
    Timer.builder("etcd.request.duration")
        .description("Etcd request latency in seconds for each operation and object type.")
        .tag("operation", operation).tag("type", type)
        .serviceLevelObjectives(Metrics.REQUEST_BUCKETS).register(registry).record(took);
  }
}
