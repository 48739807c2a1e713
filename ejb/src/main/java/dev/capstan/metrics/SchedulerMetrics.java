package dev.capstan.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The scheduler's attempts, as kube-scheduler counts them: {@code
 * scheduler_schedule_attempts_total} and {@code scheduler_scheduling_attempt_duration_seconds}
 * by {@code result} ({@code scheduled}, {@code unschedulable}, {@code error}) and
 * {@code profile}; and the pods waiting to be scheduled, {@code scheduler_pending_pods} by
 * {@code queue}, as of the last scheduling cycle ({@link #pending}).
 */
public final class SchedulerMetrics {

  /** What came of one attempt to schedule a pod. */
  public enum Result {
    SCHEDULED, UNSCHEDULABLE, ERROR;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * kube-scheduler's queues, as Capstan's one list of unbound pods falls into them: pods to be
   * tried now ({@code active}), pods backing off after a failure other than not fitting
   * ({@code backoff}), and pods found unschedulable, waiting for their next try
   * ({@code unschedulable}).
   */
  public enum Queue {
    ACTIVE, BACKOFF, UNSCHEDULABLE;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final MeterRegistry registry;
  private final String profile;
  private final Map<Queue, AtomicInteger> pending = new EnumMap<>(Queue.class);

  public SchedulerMetrics(MeterRegistry registry, String profile) {
    this.registry = registry;
    this.profile = profile;
    for (Result result : Result.values()) {
      attempts(result); // every series from the start, as Prometheus' rate() needs a zero
    }
    for (Queue queue : Queue.values()) {
      AtomicInteger pods = new AtomicInteger();
      pending.put(queue, pods);
      Gauge.builder("scheduler.pending.pods", pods, AtomicInteger::get)
          .description("Number of pending pods, by the queue type. 'active' means number of"
              + " pods in activeQ; 'backoff' means number of pods in backoffQ; 'unschedulable'"
              + " means number of pods in unschedulablePods.")
          .tag("queue", queue.label()).strongReference(true).register(registry);
    }
  }

  /**
   * The pending pods found at the start of a scheduling cycle (all zero on a server that does
   * not lead, as a kube-scheduler that is not leader has no queue).
   */
  public void pending(int active, int backoff, int unschedulable) {
    pending.get(Queue.ACTIVE).set(active);
    pending.get(Queue.BACKOFF).set(backoff);
    pending.get(Queue.UNSCHEDULABLE).set(unschedulable);
  }

  public void attempted(Result result, Duration took) {
    attempts(result).increment();
    Timer.builder("scheduler.scheduling.attempt.duration")
        .description("Scheduling attempt latency in seconds (scheduling algorithm + binding)")
        .tag("profile", profile).tag("result", result.label())
        .serviceLevelObjectives(Metrics.SCHEDULING_BUCKETS).register(registry).record(took);
  }

  private Counter attempts(Result result) {
    return Counter.builder("scheduler.schedule.attempts")
        .description("Number of attempts to schedule pods, by the result.")
        .tag("profile", profile).tag("result", result.label()).register(registry);
  }
}
