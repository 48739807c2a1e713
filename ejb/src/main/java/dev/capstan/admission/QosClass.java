package dev.capstan.admission;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.resources.Quantity;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A pod's quality-of-service class, as Kubernetes derives it from its containers' cpu and memory
 * requests and limits: {@code Guaranteed} when every container limits both and requests equal
 * limits, {@code BestEffort} when nothing is requested or limited, {@code Burstable} otherwise.
 */
public final class QosClass {

  private static final List<String> RESOURCES = List.of("cpu", "memory");

  private QosClass() {}

  public static String of(JsonObject podSpec) {
    Map<String, BigDecimal> requests = new HashMap<>();
    Map<String, BigDecimal> limits = new HashMap<>();
    boolean guaranteed = true;
    for (String list : new String[] {"initContainers", "containers"}) {
      if (!(podSpec.get(list) instanceof JsonArray containers)) {
        continue;
      }
      for (JsonValue item : containers) {
        if (!(item instanceof JsonObject container)) {
          continue;
        }
        JsonObject resources = object(container, "resources");
        add(object(resources, "requests"), requests);
        Map<String, BigDecimal> containerLimits = new HashMap<>();
        add(object(resources, "limits"), containerLimits);
        containerLimits.forEach((name, amount) -> limits.merge(name, amount, BigDecimal::add));
        if (!containerLimits.keySet().containsAll(RESOURCES)) {
          guaranteed = false;
        }
      }
    }
    if (requests.isEmpty() && limits.isEmpty()) {
      return "BestEffort";
    }
    if (guaranteed && requests.keySet().equals(limits.keySet())
        && requests.entrySet().stream().allMatch(
            e -> e.getValue().compareTo(limits.get(e.getKey())) == 0)) {
      return "Guaranteed";
    }
    return "Burstable";
  }

  private static void add(JsonObject amounts, Map<String, BigDecimal> into) {
    for (String name : RESOURCES) {
      if (amounts.get(name) instanceof JsonString text) {
        BigDecimal amount = amount(text.getString());
        if (amount.signum() > 0) {
          into.merge(name, amount, BigDecimal::add);
        }
      }
    }
  }

  private static BigDecimal amount(String text) {
    try {
      return Quantity.parse(text).amount();
    } catch (IllegalArgumentException e) {
      return BigDecimal.ZERO;
    }
  }
}
