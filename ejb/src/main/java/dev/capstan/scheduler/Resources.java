package dev.capstan.scheduler;

import static dev.capstan.json.JsonFields.object;

import io.fabric8.kubernetes.api.model.Quantity;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.math.BigDecimal;

/**
 * Amounts the scheduler counts with: cpu in millicores and memory in bytes, read from
 * Kubernetes quantities (with fabric8's parser), and a pod's requests as Kubernetes sums them
 * (its containers together, or its largest init container if that asks for more).
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
    Resources containers = sum(podSpec.get("containers"));
    Resources largestInit = NONE;
    if (podSpec.get("initContainers") instanceof JsonArray inits) {
      for (JsonValue init : inits) {
        if (init instanceof JsonObject container) {
          largestInit = largestInit.max(of(object(object(container, "resources"), "requests")));
        }
      }
    }
    return containers.max(largestInit);
  }

  private static Resources sum(JsonValue containers) {
    Resources total = NONE;
    if (containers instanceof JsonArray list) {
      for (JsonValue item : list) {
        if (item instanceof JsonObject container) {
          total = total.plus(of(object(object(container, "resources"), "requests")));
        }
      }
    }
    return total;
  }

  /** The cpu and memory of a resource list ({@code requests}, {@code allocatable}). */
  static Resources of(JsonObject amounts) {
    return new Resources(milli(amounts.get("cpu")), whole(amounts.get("memory")));
  }

  static long count(JsonValue amount) {
    return whole(amount);
  }

  private static long milli(JsonValue amount) {
    return amount(amount).multiply(BigDecimal.valueOf(1000)).longValue();
  }

  private static long whole(JsonValue amount) {
    return amount(amount).longValue();
  }

  private static BigDecimal amount(JsonValue value) {
    if (value instanceof JsonString text) {
      try {
        return new Quantity(text.getString()).getNumericalAmount();
      } catch (RuntimeException e) {
        return BigDecimal.ZERO;
      }
    }
    return BigDecimal.ZERO;
  }
}
