package dev.capstan.agent.probes;

import dev.capstan.agent.events.EventRecorder;
import dev.capstan.agent.lifecycle.LifecycleHooks;
import dev.capstan.agent.runtime.DockerRuntime;
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
 */
public final class ContainerProbes implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ContainerProbes.class.getName());

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
    ScheduledFuture<?> schedule;

    Worker(Pod pod, Container container, String containerId, String podIp, Kind kind,
        Probe probe) {
      this.pod = pod;
      this.container = container;
      this.containerId = containerId;
      this.podIp = podIp;
      this.kind = kind;
      this.probe = probe;
    }

    void runOnce() {
      if (kind != Kind.STARTUP && probes.containsKey(key(containerId, Kind.STARTUP))
          && !Boolean.TRUE.equals(probes.get(key(containerId, Kind.STARTUP)).result)) {
        return;
      }
      ProbeRunner.Outcome outcome;
      try {
        outcome = runner.run(probe, container, containerId, podIp);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        outcome = new ProbeRunner.Outcome(false, e.getMessage());
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
      events.normal(pod, container.getName(), "Killing", message);
      forget(containerId);
      long grace = pod.getSpec().getTerminationGracePeriodSeconds() == null ? 30
          : pod.getSpec().getTerminationGracePeriodSeconds();
      hooks.stop(pod, container, containerId, podIp, grace);
      onChange.accept(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
    }
  }

  private final LifecycleHooks hooks;
  private final ProbeRunner runner;
  private final EventRecorder events;
  private final BiConsumer<String, String> onChange;
  private final Map<String, Worker> probes = new ConcurrentHashMap<>();
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4,
      runnable -> {
        Thread thread = new Thread(runnable, "capstan-probe");
        thread.setDaemon(true);
        return thread;
      });

  /**
   * @param onChange told the namespace and name of a pod whose probe results changed
   */
  public ContainerProbes(DockerRuntime docker, EventRecorder events, LifecycleHooks hooks,
      BiConsumer<String, String> onChange) {
    this.hooks = hooks;
    this.runner = new ProbeRunner(docker);
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
      long period = probe.getPeriodSeconds() == null ? 10 : Math.max(1, probe.getPeriodSeconds());
      worker.schedule = scheduler.scheduleWithFixedDelay(() -> {
        try {
          worker.runOnce();
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "Probe of container " + container.getName() + " failed to run",
              e);
        }
      }, delay * 1000 + 100, period * 1000, TimeUnit.MILLISECONDS);
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

  private static String key(String containerId, Kind kind) {
    return containerId + "/" + kind;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
