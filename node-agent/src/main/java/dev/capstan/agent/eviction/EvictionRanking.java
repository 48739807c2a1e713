package dev.capstan.agent.eviction;

import dev.capstan.agent.stats.EvictionThresholds.Signal;
import dev.capstan.agent.stats.ResourceStats.PodStats;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The order in which the kubelet evicts pods under pressure (its eviction manager's
 * {@code rankMemoryPressure} and {@code rankDiskPressureFunc}, pkg/kubelet/eviction/helpers.go):
 *
 * <ol>
 *   <li>pods it has no figures for, then pods whose usage exceeds their requests (so BestEffort
 *       pods, which request nothing, come before the others once they use anything);
 *   <li>then lower {@code spec.priority} first;
 *   <li>then the larger usage above requests first.
 * </ol>
 *
 * Memory usage is the pod's working set. This agent does not measure a pod's disk use, so
 * under disk pressure every measured pod counts as using nothing: the order is pods without
 * figures, then priority, as the kubelet's would be for pods that write nothing.
 */
public final class EvictionRanking {

  private EvictionRanking() {}

  /**
   * The pods in eviction order for the signal under pressure.
   *
   * @param stats the last sampling's figures by pod uid
   */
  public static List<Pod> rank(Signal signal, List<Pod> pods, Map<String, PodStats> stats) {
    String resource = signal.resource();
    Comparator<Pod> order = Comparator
        .comparing((Pod pod) -> usage(signal, pod, stats).isPresent())
        .thenComparing(pod -> !exceedsRequests(signal, pod, stats))
        .thenComparingInt(EvictionRanking::priority)
        .thenComparing(pod -> -aboveRequests(signal, pod, stats));
    List<Pod> ranked = new ArrayList<>(pods);
    ranked.sort(order);
    return ranked;
  }

  /** The pod's usage of the signal's resource; empty when it was not measured. */
  static Optional<Long> usage(Signal signal, Pod pod, Map<String, PodStats> stats) {
    PodStats figures = stats.get(pod.getMetadata().getUid());
    if (figures == null) {
      return Optional.empty();
    }
    return Optional.of(signal == Signal.MEMORY && figures.memory() != null
        ? figures.memory().workingSetBytes() : 0L);
  }

  private static boolean exceedsRequests(Signal signal, Pod pod, Map<String, PodStats> stats) {
    return usage(signal, pod, stats).map(used -> used > request(pod, signal.resource()))
        .orElse(false);
  }

  private static long aboveRequests(Signal signal, Pod pod, Map<String, PodStats> stats) {
    return usage(signal, pod, stats).map(used -> used - request(pod, signal.resource()))
        .orElse(0L);
  }

  /** {@code spec.priority}, 0 when unset (as the kubelet's {@code PodPriority}). */
  static int priority(Pod pod) {
    Integer priority = pod.getSpec().getPriority();
    return priority == null ? 0 : priority;
  }

  /**
   * The pod's request of a resource, in its unit (bytes), as Kubernetes' effective request:
   * the sum of its containers' and sidecars' (restartable init containers), or the largest of
   * an init container's with the sidecars started before it, whichever is more; plus the pod's
   * overhead.
   */
  public static long request(Pod pod, String resource) {
    long containers = 0;
    for (Container container : orEmpty(pod.getSpec().getContainers())) {
      containers += request(container, resource);
    }
    long sidecars = 0;
    long init = 0;
    for (Container container : orEmpty(pod.getSpec().getInitContainers())) {
      long asked = request(container, resource);
      if ("Always".equals(container.getRestartPolicy())) {
        sidecars += asked;
        init = Math.max(init, sidecars);
      } else {
        init = Math.max(init, sidecars + asked);
      }
    }
    long overhead = Optional.ofNullable(pod.getSpec().getOverhead())
        .map(o -> o.get(resource)).map(EvictionRanking::amount).orElse(0L);
    return Math.max(containers + sidecars, init) + overhead;
  }

  /**
   * A container's request of the resource: its request, or its limit when it sets only that
   * (the request the API server defaults from the limit); 0 when neither.
   */
  public static long request(Container container, String resource) {
    return requestQuantity(container, resource).map(EvictionRanking::amount).orElse(0L);
  }

  /** The container's request as written (its limit when it sets only that). */
  public static Optional<Quantity> requestQuantity(Container container, String resource) {
    if (container.getResources() == null) {
      return Optional.empty();
    }
    Map<String, Quantity> requests = container.getResources().getRequests();
    Map<String, Quantity> limits = container.getResources().getLimits();
    if (requests != null && requests.containsKey(resource)) {
      return Optional.of(requests.get(resource));
    }
    return Optional.ofNullable(limits == null ? null : limits.get(resource));
  }

  private static long amount(Quantity quantity) {
    return Quantity.getAmountInBytes(quantity).longValue();
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
