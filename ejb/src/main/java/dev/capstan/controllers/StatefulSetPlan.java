package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.jsonp.Json;
import dev.capstan.store.ObjectMetadata;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a StatefulSet's controller should do, decided from the set and its pods alone, as
 * Kubernetes' StatefulSet controller decides it: pods {@code <set>-0 .. <set>-(replicas-1)}, each
 * with a stable hostname (its name, under the governing Service's {@code subdomain}) and its own
 * claims {@code <template>-<set>-<ordinal>}; under OrderedReady one pod at a time, in order, each
 * waiting until the ones before it are Running and Ready, and scale-down from the highest ordinal
 * only while all the others are; under Parallel all at once. A failed pod is deleted to be made
 * again. RollingUpdate replaces, from the highest ordinal down to the partition, one pod of an
 * old revision at a time once every pod is Ready; OnDelete waits for users to delete them.
 */
final class StatefulSetPlan {

  static final String REVISION_LABEL = "controller-revision-hash";
  static final String POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
  static final String POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";

  /** Ordinals to create (with their claims), pods to delete, and the status to report. */
  record Actions(List<Integer> create, List<JsonObject> delete, JsonObject status) {}

  private StatefulSetPlan() {}

  /**
   * @param pods the pods the set controls
   * @param updateRevision the name of the current template's ControllerRevision
   */
  static Actions plan(JsonObject set, List<JsonObject> pods, String updateRevision) {
    JsonObject spec = object(set, "spec");
    String name = object(set, "metadata").getString("name", "");
    int replicas = spec.getInt("replicas", 1);
    boolean parallel = "Parallel".equals(spec.getString("podManagementPolicy", ""));
    Map<Integer, JsonObject> byOrdinal = new TreeMap<>();
    for (JsonObject pod : pods) {
      ordinal(name, pod).ifPresent(ordinal -> byOrdinal.put(ordinal, pod));
    }
    List<Integer> create = new ArrayList<>();
    List<JsonObject> delete = new ArrayList<>();
    boolean blocked = false;
    boolean allReady = true;
    for (int ordinal = 0; ordinal < replicas; ordinal++) {
      JsonObject pod = byOrdinal.get(ordinal);
      if (pod == null) {
        allReady = false;
        if (!blocked) {
          create.add(ordinal);
          blocked = !parallel;
        }
        continue;
      }
      if (ObjectMetadata.isDeleting(pod)) {
        allReady = false;
        blocked |= !parallel;
        continue;
      }
      if (failed(pod)) {
        allReady = false;
        if (!blocked) {
          delete.add(pod);
          blocked = !parallel;
        }
        continue;
      }
      if (!runningAndReady(pod)) {
        allReady = false;
        blocked |= !parallel;
      }
    }
    // surplus pods, highest ordinal first; in order only once the rest are Running and Ready
    List<JsonObject> condemned = byOrdinal.entrySet().stream()
        .filter(e -> e.getKey() >= replicas)
        .sorted(Map.Entry.<Integer, JsonObject>comparingByKey(Comparator.reverseOrder()))
        .map(Map.Entry::getValue).toList();
    for (JsonObject pod : condemned) {
      if (ObjectMetadata.isDeleting(pod)) {
        if (!parallel) {
          break;
        }
        continue;
      }
      if (parallel) {
        delete.add(pod);
      } else if (allReady && create.isEmpty() && delete.isEmpty()) {
        delete.add(pod);
        break;
      } else {
        break;
      }
    }
    JsonObject strategy = object(spec, "updateStrategy");
    if (!"OnDelete".equals(strategy.getString("type", "RollingUpdate")) && allReady
        && condemned.isEmpty() && create.isEmpty() && delete.isEmpty()) {
      int partition = object(strategy, "rollingUpdate").getInt("partition", 0);
      for (int ordinal = replicas - 1; ordinal >= partition; ordinal--) {
        JsonObject pod = byOrdinal.get(ordinal);
        if (pod != null && !updateRevision.equals(revisionOf(pod))) {
          delete.add(pod);
          break;
        }
      }
    }
    return new Actions(create, delete, status(set, byOrdinal, updateRevision));
  }

  private static JsonObject status(JsonObject set, Map<Integer, JsonObject> byOrdinal,
      String updateRevision) {
    JsonObject previous = object(set, "status");
    int replicas = 0;
    int ready = 0;
    int updated = 0;
    String currentRevision = previous.getString("currentRevision", updateRevision);
    int current = 0;
    for (JsonObject pod : byOrdinal.values()) {
      if (ObjectMetadata.isDeleting(pod)) {
        continue;
      }
      replicas++;
      if (runningAndReady(pod)) {
        ready++;
      }
      if (updateRevision.equals(revisionOf(pod))) {
        updated++;
      }
      if (currentRevision.equals(revisionOf(pod))) {
        current++;
      }
    }
    int desired = object(set, "spec").getInt("replicas", 1);
    if (updated == desired && replicas == desired) {
      // every pod runs the new template: it is the current revision now
      currentRevision = updateRevision;
      current = updated;
    }
    JsonObjectBuilder status = Json.createObjectBuilder()
        .add("observedGeneration", OwnedPods.generation(set))
        .add("replicas", replicas)
        .add("readyReplicas", ready)
        .add("currentReplicas", current)
        .add("updatedReplicas", updated)
        .add("currentRevision", currentRevision)
        .add("updateRevision", updateRevision)
        .add("collisionCount", 0)
        .add("availableReplicas", ready);
    return status.build();
  }

  /** The pod of an ordinal: the template with its stable identity and its claims. */
  static JsonObject podSpec(JsonObject set, int ordinal) {
    JsonObject spec = object(set, "spec");
    String name = object(set, "metadata").getString("name", "");
    JsonObject podSpec = object(object(spec, "template"), "spec");
    List<JsonObject> claimTemplates = objects(spec, "volumeClaimTemplates");
    JsonArrayBuilder volumes = Json.createArrayBuilder();
    List<String> claimed = claimTemplates.stream()
        .map(t -> object(t, "metadata").getString("name", "")).toList();
    for (JsonObject volume : objects(podSpec, "volumes")) {
      if (!claimed.contains(volume.getString("name", ""))) {
        volumes.add(volume);
      }
    }
    for (String template : claimed) {
      volumes.add(Json.createObjectBuilder().add("name", template)
          .add("persistentVolumeClaim", Json.createObjectBuilder()
              .add("claimName", claimName(template, name, ordinal))));
    }
    JsonObjectBuilder result = Json.createObjectBuilder(podSpec)
        .add("hostname", name + "-" + ordinal);
    if (!spec.getString("serviceName", "").isEmpty()) {
      result.add("subdomain", spec.getString("serviceName"));
    }
    if (!claimed.isEmpty() || podSpec.containsKey("volumes")) {
      result.add("volumes", volumes);
    }
    return result.build();
  }

  /** A pod's labels: the template's and its identity and revision. */
  static JsonObject podLabels(JsonObject set, int ordinal, String revision) {
    String name = object(set, "metadata").getString("name", "");
    return Json.createObjectBuilder(object(object(object(object(set, "spec"), "template"),
            "metadata"), "labels"))
        .add(REVISION_LABEL, revision)
        .add(POD_NAME_LABEL, name + "-" + ordinal)
        .add(POD_INDEX_LABEL, String.valueOf(ordinal))
        .build();
  }

  /**
   * The claims an ordinal's pod needs: each template as {@code <template>-<set>-<ordinal>},
   * labelled with the set's selector labels, owned by the set when its retention policy says
   * Delete on the set's deletion.
   */
  static List<JsonObject> claims(JsonObject set, int ordinal) {
    JsonObject spec = object(set, "spec");
    JsonObject metadata = object(set, "metadata");
    String name = metadata.getString("name", "");
    boolean ownedBySet = "Delete".equals(object(spec, "persistentVolumeClaimRetentionPolicy")
        .getString("whenDeleted", "Retain"));
    List<JsonObject> claims = new ArrayList<>();
    for (JsonObject template : objects(spec, "volumeClaimTemplates")) {
      JsonObject templateMeta = object(template, "metadata");
      JsonObjectBuilder claimMeta = Json.createObjectBuilder()
          .add("name", claimName(templateMeta.getString("name", ""), name, ordinal))
          .add("namespace", metadata.getString("namespace", ""))
          .add("labels", Json.createObjectBuilder(object(templateMeta, "labels"))
              .addAll(Json.createObjectBuilder(object(object(spec, "selector"),
                  "matchLabels"))));
      if (!object(templateMeta, "annotations").isEmpty()) {
        claimMeta.add("annotations", object(templateMeta, "annotations"));
      }
      if (ownedBySet) {
        claimMeta.add("ownerReferences", Json.createArrayBuilder().add(
            Json.createObjectBuilder().add("apiVersion", "apps/v1").add("kind", "StatefulSet")
                .add("name", name).add("uid", metadata.getString("uid", ""))
                .add("controller", true).add("blockOwnerDeletion", true)));
      }
      claims.add(Json.createObjectBuilder()
          .add("apiVersion", "v1").add("kind", "PersistentVolumeClaim")
          .add("metadata", claimMeta)
          .add("spec", object(template, "spec"))
          .add("status", Json.createObjectBuilder().add("phase", "Pending"))
          .build());
    }
    return claims;
  }

  static String claimName(String template, String set, int ordinal) {
    return template + "-" + set + "-" + ordinal;
  }

  static Optional<Integer> ordinal(String set, JsonObject pod) {
    String name = object(pod, "metadata").getString("name", "");
    String prefix = set + "-";
    if (!name.startsWith(prefix)) {
      return Optional.empty();
    }
    String rest = name.substring(prefix.length());
    if (!rest.matches("0|[1-9][0-9]{0,8}")) {
      return Optional.empty();
    }
    return Optional.of(Integer.parseInt(rest));
  }

  static String revisionOf(JsonObject pod) {
    return object(object(pod, "metadata"), "labels").getString(REVISION_LABEL, "");
  }

  private static boolean failed(JsonObject pod) {
    String phase = object(pod, "status").getString("phase", "");
    return phase.equals("Failed") || phase.equals("Succeeded");
  }

  static boolean runningAndReady(JsonObject pod) {
    JsonObject status = object(pod, "status");
    return "Running".equals(status.getString("phase", ""))
        && objects(status, "conditions").stream().anyMatch(c -> "Ready".equals(
            c.getString("type", "")) && "True".equals(c.getString("status", "")));
  }
}
