package dev.capstan.agent.pods;

import dev.capstan.agent.runtime.ContainerInfo;
import dev.capstan.agent.runtime.ContainerRuntime;
import dev.capstan.agent.runtime.ContainerSummary;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The status phase of a pod's sync: the pod's status from what the runtime says of its newest
 * and previous container attempts, the probes' results and why containers wait
 * ({@link PodStatuses}), written only when it changed.
 */
final class PodStatusReport {

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final ContainerRuntime runtime;
  private final PodApi api;
  private final String nodeIp;
  private final Clock clock;
  private final BiFunction<Pod, RuntimePod, List<ContainerStatus>> ephemeralStatuses;

  PodStatusReport(ContainerRuntime runtime, PodApi api, String nodeIp, Clock clock) {
    this(runtime, api, nodeIp, clock, (pod, current) -> List.of());
  }

  /**
   * @param ephemeralStatuses the statuses of the pod's ephemeral containers ({@code kubectl
   *     debug})
   */
  PodStatusReport(ContainerRuntime runtime, PodApi api, String nodeIp, Clock clock,
      BiFunction<Pod, RuntimePod, List<ContainerStatus>> ephemeralStatuses) {
    this.runtime = runtime;
    this.api = api;
    this.nodeIp = nodeIp;
    this.clock = clock;
    this.ephemeralStatuses = ephemeralStatuses;
  }

  /** The status this pod has now; written when it differs from the one the pod carries. */
  PodStatus report(Pod pod, Optional<ContainerInfo> sandbox, RuntimePod current,
      Map<String, PodStatuses.Waiting> waiting, PodStatuses.ProbeResults probes) {
    Map<String, PodStatuses.Attempts> attempts = new HashMap<>();
    if (current != null) {
      List<Container> everyContainer = new ArrayList<>(
          EnvResolver.orEmpty(pod.getSpec().getInitContainers()));
      everyContainer.addAll(pod.getSpec().getContainers());
      for (Container container : everyContainer) {
        List<ContainerSummary> all = current.attempts(container.getName());
        Optional<ContainerInfo> latest = all.stream().findFirst()
            .flatMap(c -> runtime.inspect(c.id()));
        Optional<ContainerInfo> previous = all.stream().skip(1).findFirst()
            .flatMap(c -> runtime.inspect(c.id()));
        int restarts = all.stream().findFirst().map(RuntimePod::attempt).orElse(0);
        attempts.put(container.getName(), new PodStatuses.Attempts(latest, previous, restarts));
      }
    }
    PodStatus status = PodStatuses.build(pod, sandbox, attempts, waiting, probes, nodeIp,
        clock.instant());
    List<ContainerStatus> debuggers = ephemeralStatuses.apply(pod, current);
    status.setEphemeralContainerStatuses(debuggers.isEmpty() ? null : debuggers);
    if (pod.getStatus() == null || !JSON.asJson(status).equals(JSON.asJson(pod.getStatus()))) {
      api.writeStatus(pod, status);
    }
    return status;
  }
}
