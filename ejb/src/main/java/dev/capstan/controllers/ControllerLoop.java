package dev.capstan.controllers;

import dev.capstan.controllers.workqueue.WorkQueue;
import dev.capstan.metrics.WorkQueueMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One controller's work queue and workers, as kube-controller-manager runs each controller: event
 * handlers only {@link #add} keys; up to {@code workers} tasks take keys from the queue and call
 * {@code reconcile}; a key that fails is requeued with its exponential back-off, one that succeeds
 * is forgotten (sample-controller's {@code processNextWorkItem}).
 *
 * <p>No thread is parked: a worker is a task on the managed executor that exists only while keys
 * are ready, and gives its thread back after a short slice so the other controllers' workers get
 * their turn; a delayed key is a wake-up scheduled on the managed scheduler for when it is due.
 * Workers stop taking keys as soon as {@code mayWork} turns false (the lease is lost).
 */
final class ControllerLoop {

  private static final Logger LOG = Logger.getLogger(ControllerLoop.class.getName());
  private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  private static final long SLOW_MILLIS = 2000;

  private final Controller controller;
  private final WorkQueue<String> queue;
  private final Clock clock;
  private final Executor workers;
  private final ScheduledExecutorService timers;
  private final BooleanSupplier mayWork;
  private final int maxWorkers;
  private final WorkQueueMetrics metrics;
  private int active;
  private Instant wakeUpAt;

  ControllerLoop(Controller controller, Clock clock, Executor workers,
      ScheduledExecutorService timers, BooleanSupplier mayWork, int maxWorkers,
      MeterRegistry registry) {
    this.controller = controller;
    this.queue = new WorkQueue<>(clock);
    this.metrics = WorkQueueMetrics.of(registry, controller.name(), queue::ready);
    this.clock = clock;
    this.workers = workers;
    this.timers = timers;
    this.mayWork = mayWork;
    this.maxWorkers = maxWorkers;
    controller.requeueWith((key, when) -> {
      metrics.added(1);
      queue.addAfter(key, Duration.between(clock.instant(), when));
      kick();
    });
  }

  Controller controller() {
    return controller;
  }

  /** Asks for these keys to be reconciled (each once, however often asked). */
  void add(Collection<String> keys) {
    if (keys.isEmpty()) {
      return;
    }
    metrics.added(keys.size());
    keys.forEach(queue::add);
    kick();
  }

  /** Asks for these keys as a periodic resync: after every key a change asked for. */
  void addResync(Collection<String> keys) {
    if (keys.isEmpty()) {
      return;
    }
    metrics.added(keys.size());
    keys.forEach(queue::addResync);
    kick();
  }

  /** Forgets all queued work (the lease is lost); running reconciles finish. */
  void clear() {
    queue.clear();
  }

  /** Starts workers for ready keys, up to the limit, and a wake-up for the next delayed key. */
  void kick() {
    if (!mayWork.getAsBoolean()) {
      return;
    }
    int ready = queue.ready();
    synchronized (this) {
      while (active < maxWorkers && ready > 0) {
        active++;
        ready--;
        try {
          workers.execute(this::work);
        } catch (RejectedExecutionException e) {
          // the server is shutting down: there is nothing left to work for
          active--;
          return;
        }
      }
    }
    scheduleWakeUp();
  }

  private void scheduleWakeUp() {
    Optional<Instant> next = queue.nextDelayedAt();
    if (next.isEmpty()) {
      return;
    }
    Instant at = next.get();
    synchronized (this) {
      if (wakeUpAt != null && !wakeUpAt.isAfter(at)) {
        return; // one is already due no later than this
      }
      wakeUpAt = at;
    }
    long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis()) + 1;
    try {
      timers.schedule(() -> {
        synchronized (this) {
          if (at.equals(wakeUpAt)) {
            wakeUpAt = null;
          }
        }
        kick();
      }, delay, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // shutting down
    }
  }

  private void work() {
    long end = System.nanoTime() + SLICE_NANOS;
    try {
      while (mayWork.getAsBoolean() && System.nanoTime() < end) {
        Optional<WorkQueue.Taken<String>> taken = queue.take();
        if (taken.isEmpty()) {
          break;
        }
        metrics.waited(taken.get().waited());
        process(taken.get().key());
      }
    } finally {
      synchronized (this) {
        active--;
      }
      kick();
    }
  }

  private void process(String key) {
    long started = System.nanoTime();
    try {
      controller.reconcile(key);
      queue.forget(key);
    } catch (RuntimeException e) {
      metrics.retried();
      Duration delay = queue.addRateLimited(key);
      int failures = queue.numRequeues(key);
      if (e instanceof SyncConflict) {
        LOG.info(() -> controller.name() + " met a conflict reconciling " + key + " ("
            + e.getMessage() + "); retrying in " + delay.toMillis() + " ms");
      } else if (e instanceof RetryLater) {
        LOG.info(() -> controller.name() + " will reconcile " + key + " again in "
            + delay.toMillis() + " ms: " + e.getMessage());
      } else {
        // the stack once, then one line per retry
        LOG.log(Level.WARNING, controller.name() + " could not reconcile " + key + " (failure "
            + failures + "); retrying in " + delay.toMillis() + " ms", failures == 1 ? e : null);
      }
    } finally {
      queue.done(key);
    }
    long nanos = System.nanoTime() - started;
    metrics.worked(Duration.ofNanos(nanos));
    long millis = nanos / 1_000_000;
    if (millis > SLOW_MILLIS) {
      LOG.info(() -> controller.name() + " took " + millis + " ms for " + key);
    }
  }
}
