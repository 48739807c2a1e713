package dev.capstan.agent.pods;

import dev.capstan.agent.events.PodEvents;
import dev.capstan.agent.runtime.ContainerRuntime;
import dev.capstan.agent.runtime.ContainerSummary;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The termination phase of a pod's sync: its containers are stopped together (each through
 * {@link ContainerStops}: preStop, stop signal, SIGKILL at the grace period), then its sandbox
 * is killed and everything of the pod removed (containers, volumes, what the agent remembers of
 * it). Each call does what is due and says when to look again, so a pod that takes its whole
 * grace period to go holds no thread meanwhile.
 */
final class PodTermination {

  private static final Logger LOG = Logger.getLogger(PodTermination.class.getName());

  private final ContainerRuntime runtime;
  private final ContainerStops stops;
  private final PodEvents events;
  private final Consumer<String> forgetPod;

  /**
   * @param forgetPod drops everything the agent keeps about a pod uid (volumes, probes,
   *     back-offs), once its containers are gone
   */
  PodTermination(ContainerRuntime runtime, ContainerStops stops, PodEvents events,
      Consumer<String> forgetPod) {
    this.runtime = runtime;
    this.stops = stops;
    this.events = events;
    this.forgetPod = forgetPod;
  }

  /**
   * Moves the termination of a pod's containers on.
   *
   * @param pod the pod, for preStop hooks and events; null when the API no longer has it
   * @return empty once all of the pod is removed; otherwise when to look again
   */
  Optional<Instant> terminate(Pod pod, RuntimePod current, long graceSeconds, Runnable wake) {
    if (current == null) {
      return Optional.empty();
    }
    String podIp = pod == null || pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    Optional<Instant> again = Optional.empty();
    boolean first = true;
    for (var entry : current.containers().entrySet()) {
      Container spec = specOf(pod, entry.getKey());
      for (ContainerSummary container : entry.getValue()) {
        if (!container.running()) {
          continue;
        }
        if (stops.request(container.id(), pod, spec, podIp, graceSeconds)) {
          if (first) {
            first = false;
            LOG.info(() -> "Stopping pod " + current.namespace() + "/" + current.name() + " ("
                + current.uid() + ", grace period " + graceSeconds + " s)");
          }
          if (pod != null) {
            events.normal(pod, entry.getKey(), "Killing", "Stopping container "
                + entry.getKey());
          }
        }
        Optional<Instant> next = runtime.inspect(container.id())
            .flatMap(info -> stops.advance(info, wake));
        again = PodSyncer.earliest(again, next);
      }
    }
    if (again.isPresent()) {
      return again;
    }
    current.sandboxes().stream().filter(ContainerSummary::running)
        .forEach(sandbox -> runtime.signal(sandbox.id(), "SIGKILL"));
    for (ContainerSummary container : current.all()) {
      runtime.remove(container.id());
      stops.forget(container.id());
    }
    forgetPod.accept(current.uid());
    return Optional.empty();
  }

  private static Container specOf(Pod pod, String name) {
    if (pod == null) {
      return null;
    }
    return java.util.stream.Stream.concat(
            EnvResolver.orEmpty(pod.getSpec().getInitContainers()).stream(),
            pod.getSpec().getContainers().stream())
        .filter(c -> c.getName().equals(name)).findFirst().orElse(null);
  }
}
