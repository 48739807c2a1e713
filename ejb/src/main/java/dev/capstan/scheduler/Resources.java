package dev.capstan.scheduler;

import dev.capstan.resources.PodResources;
import dev.capstan.resources.Quantity;
import dev.capstan.resources.ResourceList;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * Amounts the scheduler counts with: cpu in millicores and memory in bytes, read from
 * Kubernetes quantities, and a pod's requests as {@link PodResources} sums them.
 */
record Resources(long milliCpu, long memory) {

  static final Resources NONE = new Resources(0, 0);

  Resources plus(Resources other) {
    return new Resources(milliCpu + other.milliCpu, memory + other.memory);
  }

  Resources max(Resources other) {
    return new Resources(Math.max(milliCpu, other.milliCpu), Math.max(memory, other.memory));
  }

  /** What a pod's spec requests. */
  static Resources requestedBy(JsonObject podSpec) {
    ResourceList requests = PodResources.requests(podSpec);
    return new Resources(requests.get("cpu").milliValue(), requests.get("memory").value());
  }

  /** The cpu and memory of a resource list ({@code requests}, {@code allocatable}). */
  static Resources of(JsonObject amounts) {
    return new Resources(milli(amounts.get("cpu")), whole(amounts.get("memory")));
  }

  static long count(JsonValue amount) {
    return whole(amount);
  }

  private static long milli(JsonValue amount) {
    return Quantity.of(amount).map(Quantity::milliValue).orElse(0L);
  }

  private static long whole(JsonValue amount) {
    return Quantity.of(amount).map(Quantity::value).orElse(0L);
  }
}
