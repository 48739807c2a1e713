package dev.capstan.agent.pods;

import dev.capstan.agent.runtime.ContainerSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the runtime runs for one pod (one uid): its sandboxes and its containers, every attempt of
 * each, newest first.
 */
record RuntimePod(String uid, String namespace, String name, long graceSeconds,
    List<ContainerSummary> sandboxes, Map<String, List<ContainerSummary>> containers) {

  /** Groups a node's containers by pod uid. */
  static Map<String, RuntimePod> group(List<ContainerSummary> all) {
    Map<String, List<ContainerSummary>> byUid = all.stream()
        .filter(c -> c.labels().containsKey(PodLabels.POD_UID))
        .collect(Collectors.groupingBy(c -> c.labels().get(PodLabels.POD_UID)));
    return byUid.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
        entry -> of(entry.getKey(), entry.getValue())));
  }

  static RuntimePod of(String uid, List<ContainerSummary> containers) {
    Map<String, String> labels = containers.get(0).labels();
    List<ContainerSummary> sandboxes = new ArrayList<>();
    Map<String, List<ContainerSummary>> apps = new java.util.HashMap<>();
    for (ContainerSummary container : containers) {
      if (PodLabels.SANDBOX.equals(container.labels().get(PodLabels.ROLE))) {
        sandboxes.add(container);
      } else {
        apps.computeIfAbsent(container.labels().getOrDefault(PodLabels.CONTAINER, ""),
            name -> new ArrayList<>()).add(container);
      }
    }
    Comparator<ContainerSummary> newestFirst = Comparator.comparingInt(RuntimePod::attempt).reversed();
    sandboxes.sort(newestFirst);
    apps.values().forEach(list -> list.sort(newestFirst));
    long grace = parseLong(labels.get(PodLabels.GRACE), 30);
    return new RuntimePod(uid, labels.getOrDefault(PodLabels.POD_NAMESPACE, ""),
        labels.getOrDefault(PodLabels.POD_NAME, ""), grace, sandboxes, apps);
  }

  Optional<ContainerSummary> sandbox() {
    return sandboxes.stream().findFirst();
  }

  /** Every attempt of a container, newest first. */
  List<ContainerSummary> attempts(String container) {
    return containers.getOrDefault(container, List.of());
  }

  List<ContainerSummary> all() {
    List<ContainerSummary> all = new ArrayList<>(sandboxes);
    containers.values().forEach(all::addAll);
    return all;
  }

  static int attempt(ContainerSummary container) {
    return (int) parseLong(container.labels().get(PodLabels.ATTEMPT), 0);
  }

  static boolean running(ContainerSummary container) {
    return container.running();
  }

  private static long parseLong(String text, long fallback) {
    try {
      return text == null ? fallback : Long.parseLong(text);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
