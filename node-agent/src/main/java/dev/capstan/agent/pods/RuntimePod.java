package dev.capstan.agent.pods;

import com.github.dockerjava.api.model.Container;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What Docker runs for one pod (one uid): its sandboxes and its containers, every attempt of
 * each, newest first.
 */
record RuntimePod(String uid, String namespace, String name, long graceSeconds,
    List<Container> sandboxes, Map<String, List<Container>> containers) {

  /** Groups a node's containers by pod uid. */
  static Map<String, RuntimePod> group(List<Container> all) {
    Map<String, List<Container>> byUid = all.stream()
        .filter(c -> c.getLabels() != null && c.getLabels().containsKey(PodLabels.POD_UID))
        .collect(Collectors.groupingBy(c -> c.getLabels().get(PodLabels.POD_UID)));
    return byUid.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
        entry -> of(entry.getKey(), entry.getValue())));
  }

  static RuntimePod of(String uid, List<Container> containers) {
    Map<String, String> labels = containers.get(0).getLabels();
    List<Container> sandboxes = new ArrayList<>();
    Map<String, List<Container>> apps = new java.util.HashMap<>();
    for (Container container : containers) {
      if (PodLabels.SANDBOX.equals(container.getLabels().get(PodLabels.ROLE))) {
        sandboxes.add(container);
      } else {
        apps.computeIfAbsent(container.getLabels().getOrDefault(PodLabels.CONTAINER, ""),
            name -> new ArrayList<>()).add(container);
      }
    }
    Comparator<Container> newestFirst = Comparator.comparingInt(RuntimePod::attempt).reversed();
    sandboxes.sort(newestFirst);
    apps.values().forEach(list -> list.sort(newestFirst));
    long grace = parseLong(labels.get(PodLabels.GRACE), 30);
    return new RuntimePod(uid, labels.getOrDefault(PodLabels.POD_NAMESPACE, ""),
        labels.getOrDefault(PodLabels.POD_NAME, ""), grace, sandboxes, apps);
  }

  Optional<Container> sandbox() {
    return sandboxes.stream().findFirst();
  }

  /** Every attempt of a container, newest first. */
  List<Container> attempts(String container) {
    return containers.getOrDefault(container, List.of());
  }

  List<Container> all() {
    List<Container> all = new ArrayList<>(sandboxes);
    containers.values().forEach(all::addAll);
    return all;
  }

  static int attempt(Container container) {
    return (int) parseLong(container.getLabels().get(PodLabels.ATTEMPT), 0);
  }

  static boolean running(Container container) {
    return "running".equals(container.getState());
  }

  private static long parseLong(String text, long fallback) {
    try {
      return text == null ? fallback : Long.parseLong(text);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
