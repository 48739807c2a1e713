package dev.capstan.agent.lifecycle;

import dev.capstan.agent.events.EventRecorder;
import dev.capstan.agent.probes.ProbeRunner;
import dev.capstan.agent.runtime.DockerRuntime;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * A container's lifecycle hooks, and stopping it the way the kubelet does: {@code postStart}
 * right after the container starts (a failing hook kills it, event {@code FailedPostStartHook});
 * {@code preStop} before SIGTERM, within the grace period, which what is left of it then bounds
 * (at least 2 s) before SIGKILL. Hooks are exec, httpGet or tcpSocket handlers, or a sleep.
 */
public final class LifecycleHooks {

  private static final Logger LOG = Logger.getLogger(LifecycleHooks.class.getName());
  private static final long MINIMUM_GRACE_AFTER_HOOK = 2;

  private final DockerRuntime docker;
  private final ProbeRunner runner;
  private final EventRecorder events;

  public LifecycleHooks(DockerRuntime docker, EventRecorder events) {
    this.docker = docker;
    this.runner = new ProbeRunner(docker);
    this.events = events;
  }

  /**
   * Runs the postStart hook of a just started container.
   *
   * @return why it failed (the container has then been killed), if it did
   */
  public Optional<String> postStart(Pod pod, Container container, String containerId,
      String podIp) throws InterruptedException {
    LifecycleHandler handler = container.getLifecycle() == null ? null
        : container.getLifecycle().getPostStart();
    if (handler == null) {
      return Optional.empty();
    }
    ProbeRunner.Outcome outcome = run(handler, container, containerId, podIp, 30);
    if (outcome.success()) {
      return Optional.empty();
    }
    String message = "PostStartHook failed: " + outcome.message();
    events.warning(pod, container.getName(), "FailedPostStartHook", message);
    docker.stop(containerId, 0);
    return Optional.of(message);
  }

  /**
   * Stops a container: its preStop hook (when the pod's spec is known), SIGTERM, and SIGKILL
   * once the grace period is over.
   */
  public void stop(Pod pod, Container container, String containerId, String podIp,
      long graceSeconds) {
    long remaining = graceSeconds;
    LifecycleHandler handler = container == null || container.getLifecycle() == null ? null
        : container.getLifecycle().getPreStop();
    if (handler != null && graceSeconds > 0) {
      Instant started = Instant.now();
      try {
        ProbeRunner.Outcome outcome = run(handler, container, containerId, podIp, graceSeconds);
        if (!outcome.success()) {
          events.warning(pod, container.getName(), "FailedPreStopHook", "PreStopHook failed: "
              + outcome.message());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      long spent = Duration.between(started, Instant.now()).toSeconds();
      remaining = Math.max(MINIMUM_GRACE_AFTER_HOOK, graceSeconds - spent);
      long left = remaining;
      LOG.fine(() -> "preStop of " + container.getName() + " took " + spent + " s; " + left
          + " s left before SIGKILL");
    }
    docker.stop(containerId, remaining);
  }

  private ProbeRunner.Outcome run(LifecycleHandler handler, Container container,
      String containerId, String podIp, long timeoutSeconds) throws InterruptedException {
    if (handler.getSleep() != null && handler.getSleep().getSeconds() != null) {
      Thread.sleep(Math.min(timeoutSeconds, handler.getSleep().getSeconds()) * 1000);
      return new ProbeRunner.Outcome(true, "");
    }
    Probe probe = new ProbeBuilder()
        .withExec(handler.getExec())
        .withHttpGet(handler.getHttpGet())
        .withTcpSocket(handler.getTcpSocket())
        .withTimeoutSeconds((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeoutSeconds)))
        .build();
    return runner.run(probe, container, containerId, podIp);
  }
}
