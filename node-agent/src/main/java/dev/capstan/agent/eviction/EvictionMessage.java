package dev.capstan.agent.eviction;

import dev.capstan.agent.stats.EvictionThresholds.Observation;
import dev.capstan.agent.stats.EvictionThresholds.Signal;
import dev.capstan.agent.stats.Quantities;
import dev.capstan.agent.stats.ResourceStats.ContainerStats;
import dev.capstan.agent.stats.ResourceStats.PodStats;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Optional;

/**
 * The message of an eviction, word for word the kubelet's ({@code evictionMessage} in
 * pkg/kubelet/eviction/helpers.go), which lands in the pod's {@code status.message}, its
 * {@code DisruptionTarget} condition and the {@code Evicted} event:
 * {@code The node was low on resource: memory. Threshold quantity: 100Mi, available: 90Mi.
 * Container x was using 50Mi, request is 0, has larger consumption of memory. } (each sentence
 * ends with a space, as the kubelet's). Containers are named only when their usage of the
 * resource is measured and above their request.
 */
public final class EvictionMessage {

  private EvictionMessage() {}

  /**
   * @param threshold the signal's threshold as the kubelet shows it ({@code 100Mi})
   * @param stats the pod's last figures; null when it has none
   */
  public static String of(Observation observation, Optional<String> threshold, Pod pod,
      PodStats stats) {
    Signal signal = observation.signal();
    StringBuilder message = new StringBuilder("The node was low on resource: ")
        .append(signal.resource()).append(". ");
    threshold.ifPresent(quantity -> message.append("Threshold quantity: ").append(quantity)
        .append(", available: ").append(Quantities.binary(observation.availableBytes()))
        .append(". "));
    if (stats == null || signal != Signal.MEMORY) {
      return message.toString();
    }
    for (ContainerStats container : stats.containers()) {
      for (Container spec : pod.getSpec().getContainers()) {
        if (!spec.getName().equals(container.name()) || container.memory() == null) {
          continue;
        }
        long used = container.memory().workingSetBytes();
        if (used > EvictionRanking.request(spec, signal.resource())) {
          message.append("Container ").append(spec.getName()).append(" was using ")
              .append(Quantities.binary(used)).append(", request is ")
              .append(EvictionRanking.requestQuantity(spec, signal.resource())
                  .map(Object::toString).orElse("0"))
              .append(", has larger consumption of ").append(signal.resource()).append(". ");
        }
      }
    }
    return message.toString();
  }
}
