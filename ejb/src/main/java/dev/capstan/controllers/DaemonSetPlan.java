package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.json.JsonFields;
import dev.capstan.jsonp.Json;
import dev.capstan.scheduler.NodeMatching;
import dev.capstan.store.ObjectMetadata;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a DaemonSet's controller should do, decided from the DaemonSet, the nodes and its pods
 * alone (no store, so it is tested with plain objects), as Kubernetes' daemon controller decides
 * it: a node should run the daemon pod when the template's {@code nodeSelector} and required
 * node affinity accept it and its NoSchedule/NoExecute taints are tolerated (with the
 * tolerations every daemon pod gets); a pod goes when its node no longer should keep it
 * (an untolerated NoExecute taint, or the selector no longer matches), when it failed, when it
 * is a surplus second pod, or, under RollingUpdate, when it is of an old template and no more
 * than {@code maxUnavailable} nodes are then without an available pod.
 */
final class DaemonSetPlan {

  static final String HASH_LABEL = "controller-revision-hash";

  /** The tolerations Kubernetes adds to every daemon pod. */
  static final List<JsonObject> DAEMON_TOLERATIONS = List.of(
      toleration("node.kubernetes.io/not-ready", "NoExecute"),
      toleration("node.kubernetes.io/unreachable", "NoExecute"),
      toleration("node.kubernetes.io/disk-pressure", "NoSchedule"),
      toleration("node.kubernetes.io/memory-pressure", "NoSchedule"),
      toleration("node.kubernetes.io/pid-pressure", "NoSchedule"),
      toleration("node.kubernetes.io/unschedulable", "NoSchedule"));

  /** The pods to create (by node name), the pods to delete, and the status to report. */
  record Actions(List<String> createOn, List<JsonObject> delete, List<JsonObject> forceDelete,
      JsonObject status, Optional<Instant> recheckAt) {}

  private DaemonSetPlan() {}

  static Actions plan(JsonObject daemonSet, List<JsonObject> nodes, List<JsonObject> pods,
      Instant now) {
    JsonObject spec = object(daemonSet, "spec");
    JsonObject podSpec = daemonPodSpec(object(object(spec, "template"), "spec"), "");
    String hash = DeploymentController.templateHash(object(spec, "template"));
    int minReady = spec.getInt("minReadySeconds", 0);
    Map<String, List<JsonObject>> byNode = new LinkedHashMap<>();
    List<JsonObject> forceDelete = new ArrayList<>();
    Set<String> nodeNames = new HashSet<>();
    nodes.forEach(node -> nodeNames.add(name(node)));
    for (JsonObject pod : pods) {
      String node = targetNode(pod);
      if (!nodeNames.contains(node)) {
        // its node is gone (or it never had one): nothing will ever run or stop it
        if (!ObjectMetadata.isDeleting(pod) || !object(pod, "spec").getString("nodeName", "")
            .isEmpty()) {
          forceDelete.add(pod);
        }
        continue;
      }
      byNode.computeIfAbsent(node, n -> new ArrayList<>()).add(pod);
    }
    List<String> createOn = new ArrayList<>();
    List<JsonObject> delete = new ArrayList<>();
    Map<String, JsonObject> running = new HashMap<>();
    Set<String> shouldRunOn = new HashSet<>();
    for (JsonObject node : nodes) {
      String nodeName = name(node);
      boolean shouldRun = shouldRun(podSpec, node);
      boolean shouldContinue = shouldContinueRunning(podSpec, node);
      List<JsonObject> onNode = byNode.getOrDefault(nodeName, List.of());
      if (shouldRun) {
        shouldRunOn.add(nodeName);
      }
      if (shouldRun && onNode.isEmpty()) {
        createOn.add(nodeName);
        continue;
      }
      List<JsonObject> live = new ArrayList<>();
      for (JsonObject pod : onNode) {
        if (ObjectMetadata.isDeleting(pod)) {
          continue;
        }
        if (!shouldContinue || OwnedPods.terminal(pod)) {
          delete.add(pod);
        } else {
          live.add(pod);
        }
      }
      if (!live.isEmpty()) {
        // more than one: keep the oldest of the current template (else the oldest)
        live.sort(Comparator.comparing((JsonObject pod) -> !hash.equals(hashOf(pod)))
            .thenComparing(DaemonSetPlan::created));
        running.put(nodeName, live.get(0));
        delete.addAll(live.subList(1, live.size()));
      }
    }
    Optional<Instant> recheck = Optional.empty();
    if (rollingUpdate(spec)) {
      int desired = shouldRunOn.size();
      jakarta.json.JsonValue limit = object(object(spec, "updateStrategy"), "rollingUpdate")
          .get("maxUnavailable");
      // rounded up, as Kubernetes does for DaemonSets; never 0, or nothing could roll
      int maxUnavailable = limit == null ? 1
          : Math.max(1, DeploymentController.amount(limit, desired, true, 0));
      int unavailable = 0;
      for (String node : shouldRunOn) {
        JsonObject pod = running.get(node);
        if (pod == null || delete.contains(pod) || !OwnedPods.available(pod, minReady, now)) {
          unavailable++;
        }
      }
      for (String node : shouldRunOn) {
        JsonObject pod = running.get(node);
        if (pod == null || delete.contains(pod) || hash.equals(hashOf(pod))) {
          continue;
        }
        if (!OwnedPods.available(pod, minReady, now)) {
          delete.add(pod);
        } else if (unavailable < maxUnavailable) {
          delete.add(pod);
          unavailable++;
        }
      }
    }
    int desired = 0;
    int current = 0;
    int ready = 0;
    int available = 0;
    int updated = 0;
    int misscheduled = 0;
    for (JsonObject node : nodes) {
      String nodeName = name(node);
      Optional<JsonObject> pod = byNode.getOrDefault(nodeName, List.of()).stream()
          .filter(p -> !ObjectMetadata.isDeleting(p) && !OwnedPods.terminal(p))
          .min(Comparator.comparing(DaemonSetPlan::created));
      if (shouldRunOn.contains(nodeName)) {
        desired++;
        if (pod.isPresent()) {
          current++;
          if (OwnedPods.ready(pod.get())) {
            ready++;
            if (OwnedPods.available(pod.get(), minReady, now)) {
              available++;
            } else {
              Instant at = OwnedPods.readySince(pod.get()).plusSeconds(minReady);
              recheck = Optional.of(recheck.filter(r -> r.isBefore(at)).orElse(at));
            }
          }
          if (hash.equals(hashOf(pod.get()))) {
            updated++;
          }
        }
      } else if (pod.isPresent()) {
        misscheduled++;
      }
    }
    JsonObject status = Json.createObjectBuilder()
        .add("currentNumberScheduled", current)
        .add("numberMisscheduled", misscheduled)
        .add("desiredNumberScheduled", desired)
        .add("numberReady", ready)
        .add("observedGeneration", OwnedPods.generation(daemonSet))
        .add("updatedNumberScheduled", updated)
        .add("numberAvailable", available)
        .add("numberUnavailable", Math.max(0, desired - available))
        .build();
    return new Actions(createOn, delete, forceDelete, status, recheck);
  }

  /** Whether a new daemon pod belongs on the node. */
  static boolean shouldRun(JsonObject podSpec, JsonObject node) {
    return NodeMatching.accepts(podSpec, node) && NodeMatching.untoleratedTaint(
        objects(podSpec, "tolerations"), taints(node), NodeMatching.SCHEDULING_EFFECTS).isEmpty();
  }

  /** Whether a daemon pod already there may stay (NoSchedule taints do not evict). */
  static boolean shouldContinueRunning(JsonObject podSpec, JsonObject node) {
    return NodeMatching.accepts(podSpec, node) && NodeMatching.untoleratedTaint(
        objects(podSpec, "tolerations"), taints(node), Set.of("NoExecute")).isEmpty();
  }

  /**
   * The template's pod spec as a daemon pod gets it: the daemon tolerations added, and, for a
   * node, pinned to it by required node affinity {@code matchFields metadata.name In [node]}
   * (replacing the template's required terms, which were checked here), so that the scheduler
   * binds it there.
   */
  static JsonObject daemonPodSpec(JsonObject templateSpec, String nodeName) {
    JsonArrayBuilder tolerations = Json.createArrayBuilder();
    List<JsonObject> own = objects(templateSpec, "tolerations");
    own.forEach(tolerations::add);
    for (JsonObject daemon : DAEMON_TOLERATIONS) {
      boolean present = own.stream().anyMatch(t -> t.getString("key", "").equals(
          daemon.getString("key")) && t.getString("effect", "").equals(
          daemon.getString("effect")));
      if (!present) {
        tolerations.add(daemon);
      }
    }
    var spec = Json.createObjectBuilder(templateSpec).add("tolerations", tolerations);
    if (!nodeName.isEmpty()) {
      JsonObject affinity = object(templateSpec, "affinity");
      JsonObject nodeAffinity = object(affinity, "nodeAffinity");
      spec.add("affinity", Json.createObjectBuilder(affinity).add("nodeAffinity",
          Json.createObjectBuilder(nodeAffinity).add(
              "requiredDuringSchedulingIgnoredDuringExecution", Json.createObjectBuilder()
                  .add("nodeSelectorTerms", Json.createArrayBuilder().add(
                      Json.createObjectBuilder().add("matchFields", Json.createArrayBuilder().add(
                          Json.createObjectBuilder().add("key", "metadata.name")
                              .add("operator", "In")
                              .add("values", Json.createArrayBuilder().add(nodeName)))))))));
    }
    return spec.build();
  }

  /** The node a daemon pod is for: its {@code nodeName}, else the node its affinity pins. */
  static String targetNode(JsonObject pod) {
    JsonObject spec = object(pod, "spec");
    String bound = spec.getString("nodeName", "");
    if (!bound.isEmpty()) {
      return bound;
    }
    for (JsonObject term : objects(object(object(object(spec, "affinity"), "nodeAffinity"),
        "requiredDuringSchedulingIgnoredDuringExecution"), "nodeSelectorTerms")) {
      for (JsonObject field : objects(term, "matchFields")) {
        if ("metadata.name".equals(field.getString("key", ""))
            && "In".equals(field.getString("operator", ""))
            && field.get("values") instanceof jakarta.json.JsonArray values
            && values.size() == 1 && values.get(0) instanceof JsonString value) {
          return value.getString();
        }
      }
    }
    return "";
  }

  static boolean rollingUpdate(JsonObject spec) {
    return "RollingUpdate".equals(object(spec, "updateStrategy")
        .getString("type", "RollingUpdate"));
  }

  static String hashOf(JsonObject pod) {
    return JsonFields.strings(object(object(pod, "metadata"), "labels")).getOrDefault(
        HASH_LABEL, "");
  }

  private static String created(JsonObject pod) {
    return object(pod, "metadata").getString("creationTimestamp", "");
  }

  private static String name(JsonObject object) {
    return object(object, "metadata").getString("name", "");
  }

  private static List<JsonObject> taints(JsonObject node) {
    return objects(object(node, "spec"), "taints");
  }

  private static JsonObject toleration(String key, String effect) {
    return Json.createObjectBuilder().add("key", key).add("operator", "Exists")
        .add("effect", effect).build();
  }
}
