package dev.capstan.resources;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import jakarta.json.JsonObject;

/**
 * What a pod as a whole requests and is limited to, summed as Kubernetes sums it: its containers
 * together, or its largest init container where that asks for more (they run one at a time),
 * plus the pod's {@code overhead}. Shared by the scheduler, quota and limit ranges.
 */
public final class PodResources {

  private PodResources() {}

  public static ResourceList requests(JsonObject podSpec) {
    return total(podSpec, "requests");
  }

  public static ResourceList limits(JsonObject podSpec) {
    return total(podSpec, "limits");
  }

  /** One container's {@code requests} or {@code limits}. */
  public static ResourceList of(JsonObject container, String section) {
    return ResourceList.of(object(object(container, "resources"), section));
  }

  private static ResourceList total(JsonObject podSpec, String section) {
    ResourceList total = ResourceList.EMPTY;
    for (JsonObject container : objects(podSpec, "containers")) {
      total = total.plus(of(container, section));
    }
    for (JsonObject init : objects(podSpec, "initContainers")) {
      total = total.max(of(init, section));
    }
    ResourceList overhead = ResourceList.of(object(podSpec, "overhead"));
    return overhead.isEmpty() ? total : total.plus(overhead);
  }
}
