package dev.capstan.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * One controller's work queue, measured as client-go measures its queues (label {@code name}):
 * {@code workqueue_depth}, {@code workqueue_adds_total}, {@code workqueue_retries_total},
 * {@code workqueue_queue_duration_seconds} (how long a key waited before a worker took it) and
 * {@code workqueue_work_duration_seconds} (how long its reconcile took).
 */
public final class WorkQueueMetrics {

  private final Counter adds;
  private final Counter retries;
  private final Timer waited;
  private final Timer worked;

  private WorkQueueMetrics(MeterRegistry registry, String name, IntSupplier depth) {
    Gauge.builder("workqueue.depth", depth, d -> d.getAsInt())
        .description("Current depth of workqueue").tag("name", name).strongReference(true)
        .register(registry);
    adds = Counter.builder("workqueue.adds").description("Total number of adds handled by"
        + " workqueue").tag("name", name).register(registry);
    retries = Counter.builder("workqueue.retries").description("Total number of retries handled"
        + " by workqueue").tag("name", name).register(registry);
    waited = Timer.builder("workqueue.queue.duration").description("How long in seconds an item"
            + " stays in workqueue before being requested").tag("name", name)
        .serviceLevelObjectives(Metrics.QUEUE_BUCKETS).register(registry);
    worked = Timer.builder("workqueue.work.duration").description("How long in seconds"
            + " processing an item from workqueue takes").tag("name", name)
        .serviceLevelObjectives(Metrics.QUEUE_BUCKETS).register(registry);
  }

  /** The meters of queue {@code name} in {@code registry}; {@code depth} is read at scrape time. */
  public static WorkQueueMetrics of(MeterRegistry registry, String name, IntSupplier depth) {
    return new WorkQueueMetrics(registry, name, depth);
  }

  /** Meters that record nothing (tests, and servers built without metrics). */
  public static WorkQueueMetrics none() {
    return new WorkQueueMetrics(new CompositeMeterRegistry(), "none", () -> 0);
  }

  public void added(int keys) {
    adds.increment(keys);
  }

  public void retried() {
    retries.increment();
  }

  public void waited(Duration duration) {
    waited.record(duration);
  }

  public void worked(Duration duration) {
    worked.record(duration);
  }
}
