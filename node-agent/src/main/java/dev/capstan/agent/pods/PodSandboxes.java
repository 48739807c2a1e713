package dev.capstan.agent.pods;

import dev.capstan.agent.dns.ClusterDns;
import dev.capstan.agent.runtime.ContainerInfo;
import dev.capstan.agent.runtime.ContainerRuntime;
import dev.capstan.agent.runtime.ContainerSummary;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * The sandbox phase of a pod's sync: a running sandbox (the pause container holding the pod's
 * network, IP and host ports), created when there is none. When a sandbox died its network went
 * with it, so the pod's containers are killed first and, once none runs, started again in a new
 * sandbox, as the kubelet does.
 */
final class PodSandboxes {

  private static final Logger LOG = Logger.getLogger(PodSandboxes.class.getName());
  private static final Duration RETRY = Duration.ofSeconds(5);

  /**
   * The running sandbox; or, without one, why the pod waits and when to look again (empty:
   * when something wakes it, such as an image pull ending).
   */
  record Result(Optional<ContainerInfo> sandbox, String problem, Optional<Instant> retryAt) {}

  private final ContainerRuntime runtime;
  private final ImagePuller images;
  private final ContainerStops stops;
  private final String sandboxImage;
  private final PodNetworking networking;
  private final Clock clock;

  PodSandboxes(ContainerRuntime runtime, ImagePuller images, ContainerStops stops,
      String sandboxImage, PodNetworking networking, Clock clock) {
    this.runtime = runtime;
    this.images = images;
    this.stops = stops;
    this.sandboxImage = sandboxImage;
    this.networking = networking;
    this.clock = clock;
  }

  Result ensure(Pod pod, RuntimePod current, Map<String, String> podLabels, Runnable wake) {
    Optional<ContainerSummary> latest =
        current == null ? Optional.empty() : current.sandbox();
    if (latest.isPresent() && latest.get().running()) {
      Optional<ContainerInfo> sandbox = runtime.inspect(latest.get().id());
      if (sandbox.isPresent() && sandbox.get().running()) {
        return new Result(sandbox, null, Optional.empty());
      }
      return new Result(Optional.empty(), "the pod sandbox stopped",
          Optional.of(clock.instant().plusSeconds(1)));
    }
    if (latest.isPresent()) {
      Optional<Instant> killing = killContainers(pod, current, wake);
      if (killing.isPresent()) {
        return new Result(Optional.empty(), "the pod sandbox stopped; stopping its containers",
            killing);
      }
    }
    ImagePuller.Result image = images.ensure(null, null, pod.getMetadata().getUid() + "/POD",
        sandboxImage, "IfNotPresent", wake);
    if (image instanceof ImagePuller.Result.Pulling) {
      return new Result(Optional.empty(), null, Optional.empty());
    }
    if (image instanceof ImagePuller.Result.Unavailable unavailable) {
      return failed(pod, unavailable.message());
    }
    int attempt = latest.map(c -> RuntimePod.attempt(c) + 1).orElse(0);
    Map<String, String> labels = new HashMap<>(podLabels);
    labels.put(PodLabels.ROLE, PodLabels.SANDBOX);
    labels.put(PodLabels.ATTEMPT, Integer.toString(attempt));
    try {
      String id = runtime.createSandbox(ContainerSpecs.sandbox(pod, sandboxImage, labels,
          PodLabels.containerName(pod, "POD", attempt),
          PodDns.of(pod, networking.dns(), ClusterDns.DOMAIN), networking.network()));
      runtime.start(id);
      if (current != null) {
        current.sandboxes().forEach(old -> runtime.remove(old.id()));
      }
      Optional<ContainerInfo> sandbox = runtime.inspect(id);
      return sandbox.isPresent() ? new Result(sandbox, null, Optional.empty())
          : failed(pod, "the sandbox " + id + " vanished after it started");
    } catch (RuntimeException e) {
      return failed(pod, e.getMessage());
    }
  }

  /**
   * Kills (no grace: their network is gone) the containers of a pod whose sandbox died.
   *
   * @return when to look again while some still run
   */
  private Optional<Instant> killContainers(Pod pod, RuntimePod current, Runnable wake) {
    Optional<Instant> again = Optional.empty();
    for (ContainerSummary container : current.all()) {
      if (!container.running() || current.sandboxes().contains(container)) {
        continue;
      }
      if (stops.request(container.id(), pod, null, null, 0)) {
        LOG.info(() -> "The sandbox of pod " + pod.getMetadata().getNamespace() + "/"
            + pod.getMetadata().getName() + " stopped; recreating the pod's containers");
      }
      Optional<Instant> next = runtime.inspect(container.id())
          .flatMap(info -> stops.advance(info, wake));
      again = PodSyncer.earliest(again, next);
    }
    return again;
  }

  private Result failed(Pod pod, String message) {
    LOG.warning(() -> "Could not start the sandbox of pod " + pod.getMetadata().getNamespace()
        + "/" + pod.getMetadata().getName() + ": " + message);
    return new Result(Optional.empty(), "failed to create the pod sandbox: " + message,
        Optional.of(clock.instant().plus(RETRY)));
  }
}
