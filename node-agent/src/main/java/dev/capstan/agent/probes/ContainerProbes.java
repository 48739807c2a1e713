package dev.capstan.agent.probes;

import dev.capstan.agent.events.PodEvents;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The probes of every running container on this node, each on its own schedule
 * ({@code initialDelaySeconds}, then every {@code periodSeconds}), with Kubernetes'
 * thresholds: a result changes only after {@code successThreshold} successes or
 * {@code failureThreshold} failures in a row. Until a startup probe succeeds the others wait;
 * a failed startup or liveness probe kills the container (the restart policy then decides), a
 * readiness result decides whether the container is ready. Workers belong to one container
 * instance (by id), so a restarted container starts its probes afresh.
 *
 * <p>A probe holds no thread while it runs: the scheduler only starts it (the probe itself is a
 * future, see {@link ProbeRunner}) and the next run is scheduled when its outcome arrives, so a
 * slow exec or HTTP probe delays nobody else's. A kill is only asked for ({@link Killer}): the
 * pod's own worker stops the container, without waiting on a probe thread.
 */
public final class ContainerProbes implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ContainerProbes.class.getName());

  /** Asks for a container to be stopped (preStop, stop signal, SIGKILL at the grace period). */
  public interface Killer {
    void kill(Pod pod, Container container, String containerId, String podIp,
        long graceSeconds, String reason);
  }

  enum Kind {
    LIVENESS("Liveness"), READINESS("Readiness"), STARTUP("Startup");

    final String title;

    Kind(String title) {
      this.title = title;
    }
  }

  private final class Worker {
    final Pod pod;
    final Container container;
    final String containerId;
    final String podIp;
    final Kind kind;
    final Probe probe;
    volatile Boolean result;
    int successes;
    int failures;
    volatile ScheduledFuture<?> schedule;

    Worker(Pod pod, Container container, String containerId, String podIp, Kind kind,
        Probe probe) {
      this.pod = pod;
      this.container = container;
      this.containerId = containerId;
      this.podIp = podIp;
      this.kind = kind;
      this.probe = probe;
    }

    /** Runs the probe once; the next run is scheduled when this one's outcome is known. */
    void runOnce() {
      if (schedule == null) {
        return;
      }
      if (kind != Kind.STARTUP && probes.containsKey(key(containerId, Kind.STARTUP))
          && !Boolean.TRUE.equals(probes.get(key(containerId, Kind.STARTUP)).result)) {
        next();
        return;
      }
      runner.run(probe, container, containerId, podIp)
          .exceptionally(failure -> new ProbeRunner.Outcome(false, failure.getMessage()))
          .thenAcceptAsync(this::record, scheduler)
          .whenComplete((done, failure) -> {
            if (failure != null) {
              LOG.log(Level.WARNING, "Probe of container " + container.getName()
                  + " failed to run", failure);
            }
            next();
          });
    }

    private void next() {
      if (probes.get(key(containerId, kind)) == this && !scheduler.isShutdown()) {
        schedule = scheduler.schedule(this::runOnce, period(probe), TimeUnit.MILLISECONDS);
      }
    }

    private void record(ProbeRunner.Outcome outcome) {
      if (probes.get(key(containerId, kind)) != this) {
        return;
      }
      Boolean before = result;
      if (outcome.success()) {
        failures = 0;
        successes++;
        int needed = kind == Kind.READINESS && probe.getSuccessThreshold() != null
            ? probe.getSuccessThreshold() : 1;
        if (successes >= needed) {
          result = true;
        }
      } else {
        successes = 0;
        failures++;
        events.warning(pod, container.getName(), "Unhealthy", kind.title + " probe failed: "
            + outcome.message());
        int threshold = probe.getFailureThreshold() == null ? 3 : probe.getFailureThreshold();
        if (failures >= threshold) {
          result = false;
          if (kind != Kind.READINESS) {
            failed();
            return;
          }
        }
      }
      if (!java.util.Objects.equals(before, result)) {
        onChange.accept(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
      }
    }

    private void failed() {
      String message = kind == Kind.LIVENESS
          ? "Container " + container.getName() + " failed liveness probe, will be restarted"
          : "Container " + container.getName() + " failed startup probe, will be restarted";
      LOG.info(() -> message + " (pod " + pod.getMetadata().getNamespace() + "/"
          + pod.getMetadata().getName() + ")");
      forget(containerId);
      // the probe's own terminationGracePeriodSeconds, else the pod's
      Long grace = probe.getTerminationGracePeriodSeconds() != null
          ? probe.getTerminationGracePeriodSeconds()
          : pod.getSpec().getTerminationGracePeriodSeconds();
      killer.kill(pod, container, containerId, podIp, grace == null ? 30 : grace, message);
    }
  }

  private final Killer killer;
  private final ProbeRunner runner;
  private final PodEvents events;
  private final BiConsumer<String, String> onChange;
  private final Map<String, Worker> probes = new ConcurrentHashMap<>();
  /** Starts probes and records their outcomes; never waits for one. */
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1,
      runnable -> {
        Thread thread = new Thread(runnable, "capstan-probe");
        thread.setDaemon(true);
        return thread;
      });

  /**
   * @param onChange told the namespace and name of a pod whose probe results changed
   */
  public ContainerProbes(ProbeRunner runner, PodEvents events, Killer killer,
      BiConsumer<String, String> onChange) {
    this.killer = killer;
    this.runner = runner;
    this.events = events;
    this.onChange = onChange;
  }

  /** Starts the probes of a running container instance, unless they run already. */
  public void ensure(Pod pod, Container container, String containerId, String podIp) {
    start(pod, container, containerId, podIp, Kind.STARTUP, container.getStartupProbe());
    start(pod, container, containerId, podIp, Kind.LIVENESS, container.getLivenessProbe());
    start(pod, container, containerId, podIp, Kind.READINESS, container.getReadinessProbe());
  }

  private void start(Pod pod, Container container, String containerId, String podIp, Kind kind,
      Probe probe) {
    if (probe == null) {
      return;
    }
    probes.computeIfAbsent(key(containerId, kind), key -> {
      Worker worker = new Worker(pod, container, containerId, podIp, kind, probe);
      long delay = probe.getInitialDelaySeconds() == null ? 0 : probe.getInitialDelaySeconds();
      worker.schedule = scheduler.schedule(worker::runOnce, delay * 1000 + 100,
          TimeUnit.MILLISECONDS);
      return worker;
    });
  }

  /** Whether a container instance is ready: empty when it has no readiness probe. */
  public Optional<Boolean> ready(String containerId) {
    Worker worker = probes.get(key(containerId, Kind.READINESS));
    return worker == null ? Optional.empty() : Optional.of(Boolean.TRUE.equals(worker.result));
  }

  /** Whether a container instance has started: empty when it has no startup probe. */
  public Optional<Boolean> started(String containerId) {
    Worker worker = probes.get(key(containerId, Kind.STARTUP));
    return worker == null ? Optional.empty() : Optional.of(Boolean.TRUE.equals(worker.result));
  }

  /** Stops the probes of containers that are not among these (running) ones. */
  public void retainOnly(String podUid, Set<String> runningContainerIds) {
    probes.values().stream()
        .filter(worker -> worker.pod.getMetadata().getUid().equals(podUid))
        .filter(worker -> !runningContainerIds.contains(worker.containerId))
        .map(worker -> worker.containerId)
        .distinct()
        .toList()
        .forEach(this::forget);
  }

  private void forget(String containerId) {
    for (Kind kind : Kind.values()) {
      Worker worker = probes.remove(key(containerId, kind));
      if (worker != null && worker.schedule != null) {
        worker.schedule.cancel(false);
      }
    }
  }

  private static long period(Probe probe) {
    return 1000L * (probe.getPeriodSeconds() == null ? 10 : Math.max(1, probe.getPeriodSeconds()));
  }

  private static String key(String containerId, Kind kind) {
    return containerId + "/" + kind;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
