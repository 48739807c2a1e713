package dev.capstan.agent.pods;

import dev.capstan.agent.events.PodEvents;
import dev.capstan.agent.lifecycle.LifecycleHooks;
import dev.capstan.agent.probes.ProbeRunner;
import dev.capstan.agent.runtime.ContainerInfo;
import dev.capstan.agent.runtime.ContainerRuntime;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stopping containers without waiting for them, as the kubelet's {@code killContainer} does but
 * as a state machine: a stop is first asked for ({@link #request}), then each look at the pod
 * moves it on by what is due ({@link #advance}): the preStop hook started (asynchronously,
 * bounded by the grace period), the container's stop signal once the hook ended, and SIGKILL
 * when the grace period is over (at least 2 s after the hook, as the kubelet allows). Between
 * looks nothing runs: the caller schedules its next look at the time {@code advance} returns,
 * and the hook's end and the container's exit wake the pod early.
 *
 * <p>Keyed by container id, shared by the pod's termination, restarts after a spec change and
 * liveness kills, so whichever asks first starts the one stop and the others only look at it.
 */
final class ContainerStops {

  static final Duration MINIMUM_GRACE_AFTER_HOOK = Duration.ofSeconds(2);
  /** How soon to look again at a container that got SIGKILL and has not been seen exiting. */
  private static final Duration AFTER_KILL = Duration.ofSeconds(1);

  private static final class Stop {
    final Pod pod;
    final Container spec;
    final String podIp;
    final long graceSeconds;
    volatile Instant deadline;
    CompletableFuture<ProbeRunner.Outcome> preStop;
    boolean hookStarted;
    Instant killAt;
    boolean killed;

    Stop(Pod pod, Container spec, String podIp, long graceSeconds, Instant deadline) {
      this.pod = pod;
      this.spec = spec;
      this.podIp = podIp;
      this.graceSeconds = graceSeconds;
      this.deadline = deadline;
    }
  }

  private final ContainerRuntime runtime;
  private final LifecycleHooks hooks;
  private final PodEvents events;
  private final Clock clock;
  private final Map<String, Stop> stops = new ConcurrentHashMap<>();

  ContainerStops(ContainerRuntime runtime, LifecycleHooks hooks, PodEvents events, Clock clock) {
    this.runtime = runtime;
    this.hooks = hooks;
    this.events = events;
    this.clock = clock;
  }

  /**
   * Asks for a container to stop within {@code graceSeconds}; nothing is sent before the next
   * {@link #advance}. Asking again for a stop already asked for only brings its deadline nearer
   * (a delete with a shorter grace period), never further.
   *
   * @param pod the pod, for its preStop hook and events; null when the API no longer has it
   * @param spec the container's spec, for its preStop hook; null when unknown
   * @return whether this is a new stop
   */
  boolean request(String containerId, Pod pod, Container spec, String podIp,
      long graceSeconds) {
    Instant deadline = clock.instant().plusSeconds(Math.max(0, graceSeconds));
    Stop existing = stops.putIfAbsent(containerId,
        new Stop(pod, spec, podIp, graceSeconds, deadline));
    if (existing != null && deadline.isBefore(existing.deadline)) {
      existing.deadline = deadline;
    }
    return existing == null;
  }

  boolean stopping(String containerId) {
    return stops.containsKey(containerId);
  }

  /**
   * Does what is due for the requested stop of this container, now.
   *
   * @param wake called when the preStop hook ends, so the pod is looked at again
   * @return when to look again; empty once the container no longer runs (or no stop was asked)
   */
  Optional<Instant> advance(ContainerInfo container, Runnable wake) {
    Stop stop = stops.get(container.id());
    if (stop == null) {
      return Optional.empty();
    }
    if (!container.running()) {
      stops.remove(container.id());
      return Optional.empty();
    }
    synchronized (stop) {
      Instant now = clock.instant();
      if (!stop.hookStarted) {
        stop.hookStarted = true;
        if (stop.graceSeconds > 0) {
          LifecycleHooks.preStopOf(stop.spec).ifPresent(handler -> {
            stop.preStop = hooks.preStop(handler, stop.spec, container.id(), stop.podIp,
                stop.graceSeconds);
            stop.preStop.whenComplete((outcome, failure) -> wake.run());
          });
        }
      }
      if (stop.killAt == null) {
        boolean hookDone = stop.preStop == null || stop.preStop.isDone();
        if (!hookDone && now.isBefore(stop.deadline)) {
          return Optional.of(stop.deadline);
        }
        if (stop.preStop != null) {
          reportFailedHook(stop);
        }
        if (stop.graceSeconds <= 0) {
          stop.killAt = now;
        } else {
          runtime.signal(container.id(), container.stopSignal());
          stop.killAt = stop.preStop == null ? stop.deadline
              : later(stop.deadline, now.plus(MINIMUM_GRACE_AFTER_HOOK));
        }
      } else if (stop.deadline.isBefore(stop.killAt) && stop.preStop == null) {
        stop.killAt = stop.deadline;
      }
      if (!stop.killed && !now.isBefore(stop.killAt)) {
        runtime.signal(container.id(), "SIGKILL");
        stop.killed = true;
      }
      return Optional.of(stop.killed ? now.plus(AFTER_KILL) : stop.killAt);
    }
  }

  private void reportFailedHook(Stop stop) {
    ProbeRunner.Outcome outcome = stop.preStop.getNow(
        new ProbeRunner.Outcome(false, "did not finish within the grace period"));
    if (!outcome.success() && stop.pod != null) {
      events.warning(stop.pod, stop.spec.getName(), "FailedPreStopHook", "PreStopHook failed: "
          + outcome.message());
    }
  }

  /** Drops what is known of a container's stop (it exited, or was removed). */
  void forget(String containerId) {
    stops.remove(containerId);
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
