package dev.capstan.agent.lifecycle;

import dev.capstan.agent.probes.ProbeRunner;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A container's lifecycle hooks, as the kubelet runs them: {@code postStart} right after the
 * container starts, {@code preStop} before its stop signal. Handlers are exec, httpGet or
 * tcpSocket (run like probes) or a sleep. Each run is a future bounded by its timeout (the
 * grace period for preStop), so no thread waits for a hook: a sleep is a timer, an exec the
 * runtime's asynchronous exec. What a failure means (kill the container, record an event) is
 * the caller's decision.
 */
public final class LifecycleHooks {

  /** How long a postStart hook may run, as the kubelet has no limit but the agent wants one. */
  private static final long POST_START_TIMEOUT_SECONDS = 30;

  private final ProbeRunner runner;

  public LifecycleHooks(ProbeRunner runner) {
    this.runner = runner;
  }

  /** The container's postStart handler, if it has one. */
  public static Optional<LifecycleHandler> postStartOf(Container container) {
    return Optional.ofNullable(container).map(Container::getLifecycle)
        .map(lifecycle -> lifecycle.getPostStart());
  }

  /** The container's preStop handler, if it has one. */
  public static Optional<LifecycleHandler> preStopOf(Container container) {
    return Optional.ofNullable(container).map(Container::getLifecycle)
        .map(lifecycle -> lifecycle.getPreStop());
  }

  /** Runs the postStart hook of a just started container. */
  public CompletableFuture<ProbeRunner.Outcome> postStart(LifecycleHandler handler,
      Container container, String containerId, String podIp) {
    return run(handler, container, containerId, podIp, POST_START_TIMEOUT_SECONDS);
  }

  /** Runs the preStop hook of a container about to be stopped, within the grace period. */
  public CompletableFuture<ProbeRunner.Outcome> preStop(LifecycleHandler handler,
      Container container, String containerId, String podIp, long graceSeconds) {
    return run(handler, container, containerId, podIp, graceSeconds);
  }

  private CompletableFuture<ProbeRunner.Outcome> run(LifecycleHandler handler,
      Container container, String containerId, String podIp, long timeoutSeconds) {
    if (handler.getSleep() != null && handler.getSleep().getSeconds() != null) {
      long seconds = Math.max(0, Math.min(timeoutSeconds, handler.getSleep().getSeconds()));
      return CompletableFuture.supplyAsync(() -> new ProbeRunner.Outcome(true, ""),
          CompletableFuture.delayedExecutor(seconds, TimeUnit.SECONDS, Runnable::run));
    }
    Probe probe = new ProbeBuilder()
        .withExec(handler.getExec())
        .withHttpGet(handler.getHttpGet())
        .withTcpSocket(handler.getTcpSocket())
        .withTimeoutSeconds((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeoutSeconds)))
        .build();
    return runner.run(probe, container, containerId, podIp)
        .completeOnTimeout(new ProbeRunner.Outcome(false, "timed out after "
            + Duration.ofSeconds(timeoutSeconds).toSeconds() + "s"), Math.max(1, timeoutSeconds),
            TimeUnit.SECONDS);
  }
}
