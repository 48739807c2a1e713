package dev.capstan.agent.pods;

import dev.capstan.agent.events.PodEvents;
import dev.capstan.agent.lifecycle.LifecycleHooks;
import dev.capstan.agent.probes.ProbeRunner;
import dev.capstan.agent.runtime.ContainerInfo;
import dev.capstan.agent.runtime.ContainerRuntime;
import dev.capstan.agent.runtime.ContainerSummary;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The container phase of a pod's sync, in a running sandbox: init containers one after another,
 * each to completion, then every container started, or restarted after it exited as the restart
 * policy says, with exponential back-off ({@link RestartBackoff}); a container whose image
 * changed is stopped first. Nothing here waits: image pulls, stops and postStart hooks run in
 * the background and wake the pod when they end, and what is not due yet is a wake-up time.
 */
final class ContainerStarts {

  private static final Logger LOG = Logger.getLogger(ContainerStarts.class.getName());

  /** Why containers wait, and when the pod wants another look (empty: when woken). */
  record Result(Map<String, PodStatuses.Waiting> waiting, Optional<Instant> wakeUp,
      boolean initializing) {}

  /** A container's environment variables ({@link EnvResolver} reads them from the API). */
  @FunctionalInterface
  interface Environment {
    Map<String, String> resolve(Pod pod, Container container, String podIp, String nodeIp)
        throws EnvResolver.ConfigError;
  }

  /** What a container start needs to know of the pod's sandbox and volumes. */
  record Sandbox(String id, String podIp, Map<String, String> podLabels,
      Map<String, PodVolumes.HostVolume> volumes) {}

  private final ContainerRuntime runtime;
  private final ImagePuller images;
  private final ContainerStops stops;
  private final LifecycleHooks hooks;
  private final RestartBackoff backoff;
  private final Environment env;
  private final PodEvents events;
  private final String nodeIp;
  private final Clock clock;
  /** postStart hooks still running, by container id: such a container is not ready yet. */
  private final Map<String, CompletableFuture<ProbeRunner.Outcome>> postStarts =
      new ConcurrentHashMap<>();

  /**
   * The last attempt started of each container, by {@code <pod uid>/<container>}: a container
   * removed behind the agent's back leaves no record in the runtime, and the pod's status as the
   * API last echoed it may not show the start yet, so the restart count is kept here too, as the
   * kubelet keeps it in its own status cache.
   */
  private final Map<String, Integer> lastAttempts = new ConcurrentHashMap<>();

  ContainerStarts(ContainerRuntime runtime, ImagePuller images, ContainerStops stops,
      LifecycleHooks hooks, RestartBackoff backoff, Environment env, PodEvents events,
      String nodeIp, Clock clock) {
    this.runtime = runtime;
    this.images = images;
    this.stops = stops;
    this.hooks = hooks;
    this.backoff = backoff;
    this.env = env;
    this.events = events;
    this.nodeIp = nodeIp;
    this.clock = clock;
  }

  Result run(Pod pod, RuntimePod current, Sandbox sandbox, Runnable wake) {
    Map<String, PodStatuses.Waiting> waiting = new HashMap<>();
    Optional<Optional<Instant>> initializing = runInitContainers(pod, current, sandbox, waiting,
        wake);
    if (initializing.isPresent()) {
      for (Container container : pod.getSpec().getContainers()) {
        waiting.putIfAbsent(container.getName(), new PodStatuses.Waiting("PodInitializing", null));
      }
      return new Result(waiting, initializing.get(), true);
    }
    Optional<Instant> wakeUp = Optional.empty();
    String uid = pod.getMetadata().getUid();
    for (Container container : pod.getSpec().getContainers()) {
      List<ContainerSummary> attempts = current == null ? List.of()
          : current.attempts(container.getName());
      Optional<ContainerSummary> latest = attempts.stream().findFirst();
      String key = uid + "/" + container.getName();
      if (latest.isPresent() && latest.get().running()) {
        String id = latest.get().id();
        String image = latest.get().labels().get(PodLabels.IMAGE);
        if (!stops.stopping(id) && container.getImage().equals(image)) {
          checkPostStart(pod, container, id, sandbox.podIp(), wake);
          continue;
        }
        if (!container.getImage().equals(image) && stops.request(id, pod, container,
            sandbox.podIp(), PodSyncer.gracePeriod(pod))) {
          LOG.info(() -> "Container " + container.getName() + " of pod " + PodSyncer.name(pod)
              + " changed image to " + container.getImage() + "; restarting it");
          events.normal(pod, container.getName(), "Killing", "Container " + container.getName()
              + " definition changed, will be restarted");
        }
        Optional<ContainerInfo> info = runtime.inspect(id);
        Optional<Instant> stopping = info.flatMap(i -> stops.advance(i, wake));
        if (stopping.isPresent()) {
          wakeUp = PodSyncer.earliest(wakeUp, stopping);
          continue;
        }
        latest = info.map(i -> new ContainerSummary(i.id(), i.labels(), false, 0));
      }
      int attempt = latest.map(c -> RuntimePod.attempt(c) + 1).orElse(0);
      if (latest.isPresent()) {
        stops.forget(latest.get().id());
        postStarts.remove(latest.get().id());
        Optional<ContainerInfo> exited = runtime.inspect(latest.get().id());
        if (exited.isPresent() && !exited.get().running()) {
          if (!shouldRestart(pod, exited.get().exitCode())
              && container.getImage().equals(latest.get().labels().get(PodLabels.IMAGE))) {
            continue;
          }
          Optional<Instant> blocked = backoff.blockedUntil(key,
              exited.get().startedAt().orElse(Instant.EPOCH),
              exited.get().finishedAt().orElse(Instant.EPOCH));
          if (blocked.isPresent()) {
            waiting.put(container.getName(), crashLoopBackOff(pod, container.getName(), key));
            wakeUp = PodSyncer.earliest(wakeUp, blocked);
            events.warning(pod, container.getName(), "BackOff", "Back-off restarting failed"
                + " container " + container.getName() + " in pod " + pod.getMetadata().getName()
                + "_" + pod.getMetadata().getNamespace() + "(" + uid + ")");
            continue;
          }
        }
      } else {
        attempt = Math.max(attempt, restartCountInStatus(pod, container.getName()));
        Integer started = lastAttempts.get(uid + "/" + container.getName());
        if (started != null) {
          attempt = Math.max(attempt, started + 1);
        }
      }
      Start start = start(pod, container, attempt, sandbox, wake);
      if (start.waiting().isPresent()) {
        waiting.put(container.getName(), start.waiting().get());
        wakeUp = PodSyncer.earliest(wakeUp, start.retryAt());
      } else if (latest.isPresent()) {
        backoff.restarted(key);
      }
      if (start.started()) {
        removeOldAttempts(attempts, 1);
      }
    }
    return new Result(waiting, wakeUp, false);
  }

  /** Whether the container's postStart hook has not finished yet (it is then not ready). */
  boolean postStartPending(String containerId) {
    return postStarts.containsKey(containerId);
  }

  /**
   * Runs the init containers one after another, each to completion, before any container
   * starts: a failed one is restarted as the restart policy says (with back-off), except under
   * {@code Never}, which fails the pod.
   *
   * @return empty when every init container has succeeded; otherwise when to look again (empty
   *     inside: when woken)
   */
  private Optional<Optional<Instant>> runInitContainers(Pod pod, RuntimePod current,
      Sandbox sandbox, Map<String, PodStatuses.Waiting> waiting, Runnable wake) {
    String uid = pod.getMetadata().getUid();
    for (Container init : EnvResolver.orEmpty(pod.getSpec().getInitContainers())) {
      List<ContainerSummary> attempts = current == null ? List.of()
          : current.attempts(init.getName());
      Optional<ContainerSummary> latest = attempts.stream().findFirst();
      if (latest.isPresent() && latest.get().running()) {
        return Optional.of(Optional.empty());
      }
      int attempt = latest.map(c -> RuntimePod.attempt(c) + 1)
          .orElse(restartCountInStatus(pod, init.getName()));
      String key = uid + "/" + init.getName();
      if (latest.isPresent()) {
        Optional<ContainerInfo> exited = runtime.inspect(latest.get().id());
        if (exited.isEmpty()) {
          return Optional.of(Optional.empty());
        }
        if (exited.get().exitCode() == 0) {
          continue;
        }
        if ("Never".equals(pod.getSpec().getRestartPolicy())) {
          return Optional.of(Optional.empty());
        }
        Optional<Instant> blocked = backoff.blockedUntil(key,
            exited.get().startedAt().orElse(Instant.EPOCH),
            exited.get().finishedAt().orElse(Instant.EPOCH));
        if (blocked.isPresent()) {
          waiting.put(init.getName(), crashLoopBackOff(pod, init.getName(), key));
          return Optional.of(blocked);
        }
      }
      Start start = start(pod, init, attempt, sandbox, wake);
      start.waiting().ifPresent(problem -> waiting.put(init.getName(), problem));
      if (start.started()) {
        if (latest.isPresent()) {
          backoff.restarted(key);
        }
        removeOldAttempts(attempts, 1);
      }
      return Optional.of(start.retryAt());
    }
    return Optional.empty();
  }

  /** A container start: done, or why it waits and when to try again (empty: when woken). */
  private record Start(boolean started, Optional<PodStatuses.Waiting> waiting,
      Optional<Instant> retryAt) {

    static Start waiting(String reason, String message, Optional<Instant> retryAt) {
      return new Start(false, Optional.of(new PodStatuses.Waiting(reason, message)), retryAt);
    }
  }

  private Start start(Pod pod, Container container, int attempt, Sandbox sandbox,
      Runnable wake) {
    String uid = pod.getMetadata().getUid();
    String pullKey = uid + "/" + container.getName() + "/pull";
    boolean neverPull = "Never".equals(container.getImagePullPolicy());
    Optional<Instant> pullBlocked = backoff.blockedAfterLastTry(pullKey);
    if (!neverPull && pullBlocked.isPresent()) {
      // as the kubelet: no pull while backing off
      String message = "Back-off pulling image \"" + container.getImage() + "\"";
      events.normal(pod, container.getName(), "BackOff", message);
      return Start.waiting("ImagePullBackOff", message, pullBlocked);
    }
    ImagePuller.Result image = images.ensure(pod, container.getName(),
        uid + "/" + container.getName(), container.getImage(), container.getImagePullPolicy(),
        wake);
    if (image instanceof ImagePuller.Result.Pulling) {
      return Start.waiting("ContainerCreating", null, Optional.empty());
    }
    if (image instanceof ImagePuller.Result.Unavailable unavailable) {
      if (unavailable.neverPull()) {
        // nothing to back off from: the image may only appear by other means
        events.warning(pod, container.getName(), "ErrImageNeverPull", unavailable.message());
        return Start.waiting("ErrImageNeverPull", unavailable.message(),
            Optional.of(clock.instant().plus(RestartBackoff.INITIAL)));
      }
      backoff.restarted(pullKey);
      events.warning(pod, container.getName(), "Failed", unavailable.message());
      events.warning(pod, container.getName(), "Failed", "Error: ErrImagePull");
      return Start.waiting("ErrImagePull", unavailable.message(),
          backoff.blockedAfterLastTry(pullKey));
    }
    backoff.reset(pullKey);
    Map<String, String> environment;
    try {
      environment = env.resolve(pod, container, sandbox.podIp() == null ? "" : sandbox.podIp(),
          nodeIp);
    } catch (EnvResolver.ConfigError e) {
      events.warning(pod, container.getName(), "Failed", "Error: " + e.getMessage());
      return Start.waiting("CreateContainerConfigError", e.getMessage(),
          Optional.of(clock.instant().plus(RestartBackoff.INITIAL)));
    }
    Map<String, String> labels = new HashMap<>(sandbox.podLabels());
    labels.put(PodLabels.ROLE, PodLabels.APP);
    labels.put(PodLabels.CONTAINER, container.getName());
    labels.put(PodLabels.ATTEMPT, Integer.toString(attempt));
    labels.put(PodLabels.IMAGE, container.getImage());
    try {
      String id = runtime.create(ContainerSpecs.container(pod, container, labels,
          PodLabels.containerName(pod, container.getName(), attempt), sandbox.id(), environment,
          sandbox.volumes()));
      events.normal(pod, container.getName(), "Created", "Created container: "
          + container.getName());
      runtime.start(id);
      lastAttempts.merge(pod.getMetadata().getUid() + "/" + container.getName(), attempt,
          Math::max);
      events.normal(pod, container.getName(), "Started", "Started container "
          + container.getName());
      LifecycleHooks.postStartOf(container).ifPresent(handler -> {
        CompletableFuture<ProbeRunner.Outcome> hook = hooks.postStart(handler, container, id,
            sandbox.podIp());
        postStarts.put(id, hook);
        hook.whenComplete((outcome, failure) -> wake.run());
      });
      LOG.info(() -> "Started container " + container.getName() + " of pod "
          + PodSyncer.name(pod) + " (attempt " + attempt + ")");
      return new Start(true, Optional.empty(), Optional.empty());
    } catch (RuntimeException e) {
      events.warning(pod, container.getName(), "Failed", "Error: " + e.getMessage());
      return Start.waiting("RunContainerError", e.getMessage(),
          Optional.of(clock.instant().plus(RestartBackoff.INITIAL)));
    }
  }

  /** A finished postStart hook: a failure kills the container (event FailedPostStartHook). */
  private void checkPostStart(Pod pod, Container container, String id, String podIp,
      Runnable wake) {
    CompletableFuture<ProbeRunner.Outcome> hook = postStarts.get(id);
    if (hook == null || !hook.isDone()) {
      return;
    }
    postStarts.remove(id);
    ProbeRunner.Outcome outcome = hook.getNow(new ProbeRunner.Outcome(false, "no outcome"));
    if (!outcome.success()) {
      String message = "PostStartHook failed: " + outcome.message();
      events.warning(pod, container.getName(), "FailedPostStartHook", message);
      stops.request(id, pod, container, podIp, 0);
      runtime.inspect(id).ifPresent(info -> stops.advance(info, wake));
    }
  }

  /** Why a container that keeps failing waits, as the kubelet words it. */
  private PodStatuses.Waiting crashLoopBackOff(Pod pod, String container, String backoffKey) {
    return new PodStatuses.Waiting("CrashLoopBackOff", "back-off "
        + seconds(backoff.currentDelay(backoffKey)) + " restarting failed container=" + container
        + " pod=" + pod.getMetadata().getName() + "_" + pod.getMetadata().getNamespace() + "("
        + pod.getMetadata().getUid() + ")");
  }

  /** Drops what is kept about a pod's containers (the pod is gone). */
  void forget(String uid) {
    lastAttempts.keySet().removeIf(key -> key.startsWith(uid + "/"));
  }

  /** Keeps the newest {@code keep} dead attempts of a container (for its last state). */
  private void removeOldAttempts(List<ContainerSummary> attempts, int keep) {
    attempts.stream().filter(c -> !c.running()).skip(keep)
        .forEach(old -> runtime.remove(old.id()));
  }

  /** The attempt after the last one the status knows of: how a container removed by hand resumes. */
  private static int restartCountInStatus(Pod pod, String container) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return 0;
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(status -> container.equals(status.getName()))
        .map(status -> {
          int restarts = status.getRestartCount() == null ? 0 : status.getRestartCount();
          boolean ran = status.getContainerID() != null && !status.getContainerID().isEmpty();
          return ran ? restarts + 1 : restarts;
        })
        .findFirst().orElse(0);
  }

  private static boolean shouldRestart(Pod pod, int exitCode) {
    String policy = pod.getSpec().getRestartPolicy() == null ? "Always"
        : pod.getSpec().getRestartPolicy();
    return policy.equals("Always") || policy.equals("OnFailure") && exitCode != 0;
  }

  private static String seconds(Duration duration) {
    long total = duration.toSeconds();
    return total >= 60 ? (total / 60) + "m" + (total % 60) + "s" : total + "s";
  }
}
