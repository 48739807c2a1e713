package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.json.JsonFields;
import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.recording.EventRecorder;
import dev.capstan.store.AlreadyExistsException;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import dev.capstan.store.entity.StoredObject;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The Deployment controller: one ReplicaSet per pod template ({@code <deployment>-<hash>},
 * labelled {@code pod-template-hash}, annotated with its revision), the current one scaled up and
 * the old ones down as the strategy says. RollingUpdate keeps at most {@code replicas +
 * maxSurge} pods and at least {@code replicas - maxUnavailable} available; Recreate takes the
 * old pods down before any new one starts. A paused Deployment is left as it is; old ReplicaSets
 * beyond {@code revisionHistoryLimit} are deleted; the status and the Available and Progressing
 * conditions are what {@code kubectl rollout status} reads.
 */
final class DeploymentController extends OwnerController {

  static final String REVISION = "deployment.kubernetes.io/revision";
  static final String HASH_LABEL = "pod-template-hash";
  private static final String COMPONENT = "deployment-controller";

  DeploymentController(ObjectStore store, EventRecorder events) {
    super(ResourceTypes.DEPLOYMENT, ResourceTypes.REPLICA_SET, store, events);
  }

  @Override
  protected void sync(String key, JsonObject deployment, List<JsonObject> claimed) {
    JsonObject spec = object(deployment, "spec");
    List<JsonObject> owned = claimed.stream().filter(rs -> !ObjectMetadata.isDeleting(rs))
        .toList();
    String hash = templateHash(object(spec, "template"));
    Optional<JsonObject> found = owned.stream()
        .filter(rs -> hash.equals(JsonFields.strings(object(object(rs, "metadata"), "labels"))
            .get(HASH_LABEL)))
        .findFirst();
    Optional<JsonObject> current = found;
    List<JsonObject> old = owned.stream().filter(rs -> found.map(c -> c != rs).orElse(true))
        .sorted(Comparator.comparingLong(DeploymentController::revision))
        .toList();
    int replicas = spec.getInt("replicas", 1);
    long newest = owned.stream().mapToLong(DeploymentController::revision).max().orElse(0);
    DeploymentConditions.NewReplicaSet newReplicaSet = current.isPresent()
        ? DeploymentConditions.NewReplicaSet.FOUND : DeploymentConditions.NewReplicaSet.NONE;
    if (!spec.getBoolean("paused", false)) {
      if (current.isEmpty()) {
        current = Optional.of(createReplicaSet(deployment, hash, newest + 1,
            old.isEmpty() ? replicas : 0));
        newReplicaSet = DeploymentConditions.NewReplicaSet.CREATED;
      } else if (revision(current.get()) < newest) {
        // a rollback to an old template: it becomes the newest revision again
        annotateRevision(current.get(), newest + 1);
      }
      String type = object(spec, "strategy").getString("type", "RollingUpdate");
      if ("Recreate".equals(type)) {
        recreate(deployment, current.get(), old, replicas);
      } else {
        rollingUpdate(deployment, current.get(), old, replicas);
      }
      cleanUp(old, spec.getInt("revisionHistoryLimit", 10));
      owned.forEach(rs -> syncMinReadySeconds(rs, spec.getInt("minReadySeconds", 0)));
    }
    updateStatus(deployment, current, old, replicas, newReplicaSet, key);
  }

  private void recreate(JsonObject deployment, JsonObject current, List<JsonObject> old,
      int replicas) {
    boolean oldPodsLeft = false;
    for (JsonObject rs : old) {
      if (specReplicas(rs) > 0) {
        scale(deployment, rs, 0);
      }
      oldPodsLeft |= statusReplicas(rs) > 0;
    }
    if (!oldPodsLeft && specReplicas(current) != replicas) {
      scale(deployment, current, replicas);
    }
  }

  private void rollingUpdate(JsonObject deployment, JsonObject current, List<JsonObject> old,
      int replicas) {
    JsonObject rolling = object(object(object(deployment, "spec"), "strategy"), "rollingUpdate");
    int maxSurge = amount(rolling.get("maxSurge"), replicas, true, 25);
    int maxUnavailable = amount(rolling.get("maxUnavailable"), replicas, false, 25);
    if (maxSurge == 0 && maxUnavailable == 0) {
      maxUnavailable = 1;
    }
    int total = specReplicas(current) + old.stream().mapToInt(DeploymentController::specReplicas)
        .sum();
    // scale the new ReplicaSet up, within replicas + maxSurge pods in all
    int newReplicas = specReplicas(current);
    if (newReplicas < replicas) {
      int room = replicas + maxSurge - total;
      if (room > 0) {
        newReplicas = Math.min(replicas, newReplicas + room);
        scale(deployment, current, newReplicas);
        total += newReplicas - specReplicas(current);
      }
    } else if (newReplicas > replicas) {
      scale(deployment, current, replicas);
    }
    // scale old ones down, keeping replicas - maxUnavailable available
    int available = availableReplicas(current)
        + old.stream().mapToInt(DeploymentController::availableReplicas).sum();
    int minAvailable = replicas - maxUnavailable;
    int newUnavailable = Math.max(0, specReplicas(current) - availableReplicas(current));
    // as Kubernetes: unhealthy old pods may always go (within the surge budget), healthy ones
    // only while replicas - maxUnavailable stay available
    int maxScaledDown = total - minAvailable - newUnavailable;
    int oldUnhealthy = old.stream()
        .mapToInt(rs -> Math.max(0, specReplicas(rs) - availableReplicas(rs))).sum();
    int canRemove = Math.max(0, Math.min(maxScaledDown,
        oldUnhealthy + Math.max(0, available - minAvailable)));
    for (JsonObject rs : old) {
      if (canRemove <= 0) {
        break;
      }
      int size = specReplicas(rs);
      if (size == 0) {
        continue;
      }
      int down = Math.min(size, canRemove);
      scale(deployment, rs, size - down);
      canRemove -= down;
    }
  }

  private void cleanUp(List<JsonObject> old, int historyLimit) {
    List<JsonObject> idle = old.stream()
        .filter(rs -> specReplicas(rs) == 0 && statusReplicas(rs) == 0).toList();
    for (int i = 0; i < idle.size() - historyLimit; i++) {
      JsonObject metadata = object(idle.get(i), "metadata");
      try {
        store.delete(ResourceTypes.REPLICA_SET.key(metadata.getString("namespace", ""),
            metadata.getString("name", "")), "apps/v1", Preconditions.NONE);
      } catch (NotFoundException | ConflictException e) {
        // gone already
      }
    }
  }

  /**
   * Creates the ReplicaSet of the current template; one already there by that name is used only
   * if this Deployment controls it (claiming adopted it if it was an orphan), else the sync fails
   * and is retried, as Kubernetes does before it bumps {@code collisionCount}.
   */
  private JsonObject createReplicaSet(JsonObject deployment, String hash, long revision,
      int replicas) {
    JsonObject metadata = object(deployment, "metadata");
    JsonObject spec = object(deployment, "spec");
    JsonObject template = object(spec, "template");
    JsonObject templateMetadata = object(template, "metadata");
    String namespace = metadata.getString("namespace", "");
    String name = metadata.getString("name", "") + "-" + hash;
    JsonObject labels = Json.createObjectBuilder(object(templateMetadata, "labels"))
        .add(HASH_LABEL, hash).build();
    JsonObject selector = object(spec, "selector");
    JsonObject replicaSet = Json.createObjectBuilder()
        .add("apiVersion", "apps/v1").add("kind", "ReplicaSet")
        .add("metadata", Json.createObjectBuilder()
            .add("name", name).add("namespace", namespace).add("labels", labels)
            .add("annotations", Json.createObjectBuilder()
                .add(REVISION, Long.toString(revision))
                .addAll(Json.createObjectBuilder(replicasAnnotations(deployment))))
            .add("ownerReferences", Json.createArrayBuilder().add(
                OwnedPods.controllerReference("apps/v1", "Deployment", deployment))))
        .add("spec", Json.createObjectBuilder()
            .add("replicas", replicas)
            .add("minReadySeconds", spec.getInt("minReadySeconds", 0))
            .add("selector", Json.createObjectBuilder(selector).add("matchLabels",
                Json.createObjectBuilder(object(selector, "matchLabels")).add(HASH_LABEL, hash)))
            .add("template", Json.createObjectBuilder(template).add("metadata",
                Json.createObjectBuilder(templateMetadata).add("labels", labels))))
        .build();
    try {
      StoredObject created = store.create(ResourceTypes.REPLICA_SET.key(namespace, name),
          "apps/v1", replicaSet);
      events.normal(deployment, COMPONENT, "ScalingReplicaSet", "Scaled up replica set " + name
          + " from 0 to " + replicas);
      return created.json();
    } catch (AlreadyExistsException e) {
      String uid = metadata.getString("uid", "");
      return store.get(ResourceTypes.REPLICA_SET.key(namespace, name)).map(StoredObject::json)
          .filter(existing -> OwnedPods.controllerOf(existing)
              .map(owner -> uid.equals(owner.getString("uid", ""))).orElse(false))
          .orElseThrow(() -> new IllegalStateException("ReplicaSet " + namespace + "/" + name
              + " exists and is not controlled by this Deployment"));
    }
  }

  private void scale(JsonObject deployment, JsonObject replicaSet, int replicas) {
    JsonObject metadata = object(replicaSet, "metadata");
    int from = specReplicas(replicaSet);
    if (from == replicas) {
      return;
    }
    try {
      store.update(ResourceTypes.REPLICA_SET.key(metadata.getString("namespace", ""),
              metadata.getString("name", "")), "apps/v1", Preconditions.NONE,
          rs -> Json.createObjectBuilder(rs)
              .add("metadata", Json.createObjectBuilder(object(rs, "metadata"))
                  .add("annotations", Json.createObjectBuilder(object(object(rs, "metadata"),
                      "annotations")).addAll(Json.createObjectBuilder(
                          replicasAnnotations(deployment)))))
              .add("spec", Json.createObjectBuilder(object(rs, "spec")).add("replicas", replicas))
              .build());
      events.normal(deployment, COMPONENT, "ScalingReplicaSet", "Scaled "
          + (replicas > from ? "up" : "down") + " replica set " + metadata.getString("name", "")
          + " from " + from + " to " + replicas);
    } catch (NotFoundException | ConflictException e) {
      // the next reconcile sees it
    }
  }

  /** ReplicaSets count availability with the Deployment's current minReadySeconds. */
  private void syncMinReadySeconds(JsonObject replicaSet, int minReadySeconds) {
    if (object(replicaSet, "spec").getInt("minReadySeconds", 0) == minReadySeconds) {
      return;
    }
    JsonObject metadata = object(replicaSet, "metadata");
    try {
      store.update(ResourceTypes.REPLICA_SET.key(metadata.getString("namespace", ""),
              metadata.getString("name", "")), "apps/v1", Preconditions.NONE,
          rs -> Json.createObjectBuilder(rs).add("spec", Json.createObjectBuilder(
              object(rs, "spec")).add("minReadySeconds", minReadySeconds)).build());
    } catch (NotFoundException | ConflictException e) {
      // the next reconcile sees it
    }
  }

  private void annotateRevision(JsonObject replicaSet, long revision) {
    JsonObject metadata = object(replicaSet, "metadata");
    try {
      store.update(ResourceTypes.REPLICA_SET.key(metadata.getString("namespace", ""),
              metadata.getString("name", "")), "apps/v1", Preconditions.NONE,
          rs -> Json.createObjectBuilder(rs).add("metadata",
              Json.createObjectBuilder(object(rs, "metadata")).add("annotations",
                  Json.createObjectBuilder(object(object(rs, "metadata"), "annotations"))
                      .add(REVISION, Long.toString(revision)))).build());
    } catch (NotFoundException | ConflictException e) {
      // the next reconcile sees it
    }
  }

  private void updateStatus(JsonObject deployment, Optional<JsonObject> current,
      List<JsonObject> old, int replicas, DeploymentConditions.NewReplicaSet newReplicaSet,
      String key) {
    List<JsonObject> all = new ArrayList<>(old);
    current.ifPresent(all::add);
    JsonObject spec = object(deployment, "spec");
    int total = all.stream().mapToInt(DeploymentController::statusReplicas).sum();
    int updated = current.map(DeploymentController::statusReplicas).orElse(0);
    int ready = all.stream().mapToInt(rs -> object(rs, "status").getInt("readyReplicas", 0)).sum();
    int available = all.stream().mapToInt(DeploymentController::availableReplicas).sum();
    JsonObject rolling = object(object(spec, "strategy"), "rollingUpdate");
    // as Kubernetes' MaxUnavailable: none for Recreate
    int maxUnavailable = "Recreate".equals(object(spec, "strategy")
        .getString("type", "RollingUpdate")) || replicas == 0 ? 0
        : Math.min(replicas, amount(rolling.get("maxUnavailable"), replicas, false, 25));
    boolean minimumAvailable = available >= replicas - maxUnavailable;
    JsonObject previous = object(deployment, "status");
    Instant instant = Instant.now();
    String now = ObjectMetadata.timestamp(instant);
    String name = current.map(rs -> object(rs, "metadata").getString("name", "")).orElse("");
    JsonObject counts = Json.createObjectBuilder()
        .add("observedGeneration", OwnedPods.generation(deployment))
        .add("replicas", total)
        .add("updatedReplicas", updated)
        .add("readyReplicas", ready)
        .add("availableReplicas", available)
        .add("unavailableReplicas", Math.max(0, total - available))
        .build();
    Optional<JsonObject> progressing = DeploymentConditions.progressing(deployment, counts, name,
        newReplicaSet, instant);
    var conditions = Json.createArrayBuilder()
        .add(DeploymentConditions.available(previous, minimumAvailable, now));
    progressing.ifPresent(conditions::add);
    DeploymentConditions.deadlineAt(spec, progressing).ifPresent(at -> requeueAt(key, at));
    JsonObject status = Json.createObjectBuilder(counts).add("conditions", conditions).build();
    String currentRevision = current.map(rs -> Long.toString(revision(rs))).orElse("");
    if (withoutTimes(status).equals(withoutTimes(previous)) && currentRevision.equals(
        object(object(deployment, "metadata"), "annotations").getString(REVISION, ""))) {
      return;
    }
    JsonObject metadata = object(deployment, "metadata");
    String revision = current.map(rs -> Long.toString(revision(rs))).orElse("");
    try {
      store.update(ResourceTypes.DEPLOYMENT.key(metadata.getString("namespace", ""),
              metadata.getString("name", "")), "apps/v1", Preconditions.NONE,
          latest -> {
            var written = Json.createObjectBuilder(latest).add("status", status);
            if (!revision.isEmpty()) {
              // kubectl rollout history/undo read (and replace) the Deployment's annotations
              written.add("metadata", Json.createObjectBuilder(object(latest, "metadata"))
                  .add("annotations", Json.createObjectBuilder(object(object(latest, "metadata"),
                      "annotations")).add(REVISION, revision)));
            }
            return written.build();
          });
    } catch (NotFoundException | ConflictException e) {
      // deleted meanwhile
    }
  }

  private static JsonObject withoutTimes(JsonObject status) {
    var copy = Json.createObjectBuilder(status);
    var conditions = Json.createArrayBuilder();
    objects(status, "conditions").forEach(c -> conditions.add(Json.createObjectBuilder(c)
        .remove("lastUpdateTime").remove("lastTransitionTime")));
    return copy.add("conditions", conditions).build();
  }

  /**
   * The annotations the deployment controller keeps on its ReplicaSets when it makes or scales
   * them: the deployment's replicas, and replicas plus maxSurge (a Recreate deployment surges
   * none).
   */
  static JsonObject replicasAnnotations(JsonObject deployment) {
    JsonObject spec = object(deployment, "spec");
    int replicas = spec.getInt("replicas", 1);
    JsonObject strategy = object(spec, "strategy");
    int maxSurge = "Recreate".equals(strategy.getString("type", "RollingUpdate")) ? 0
        : amount(object(strategy, "rollingUpdate").get("maxSurge"), replicas, true, 25);
    return Json.createObjectBuilder()
        .add("deployment.kubernetes.io/desired-replicas", Integer.toString(replicas))
        .add("deployment.kubernetes.io/max-replicas", Integer.toString(replicas + maxSurge))
        .build();
  }

  /** maxSurge (rounded up) or maxUnavailable (rounded down), from a number or a percentage. */
  static int amount(JsonValue value, int replicas, boolean roundUp, int defaultPercent) {
    if (value instanceof JsonNumber number) {
      return number.intValue();
    }
    String text = value instanceof JsonString s ? s.getString() : defaultPercent + "%";
    if (text.endsWith("%")) {
      double fraction = Integer.parseInt(text.substring(0, text.length() - 1)) / 100.0 * replicas;
      return (int) (roundUp ? Math.ceil(fraction) : Math.floor(fraction));
    }
    return Integer.parseInt(text);
  }

  /** A stable hash of the pod template, as the suffix of its ReplicaSet's name. */
  static String templateHash(JsonObject template) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(canonical(template).getBytes(StandardCharsets.UTF_8));
      StringBuilder hash = new StringBuilder();
      for (int i = 0; i < 10; i++) {
        hash.append(OwnedPods.NAME_ALPHABET.charAt(
            (digest[i] & 0xff) % OwnedPods.NAME_ALPHABET.length()));
      }
      return hash.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String canonical(JsonValue value) {
    if (value instanceof JsonObject object) {
      StringBuilder text = new StringBuilder("{");
      object.keySet().stream().sorted().forEach(key -> text.append(key).append(':')
          .append(canonical(object.get(key))).append(','));
      return text.append('}').toString();
    }
    if (value instanceof jakarta.json.JsonArray array) {
      StringBuilder text = new StringBuilder("[");
      array.forEach(item -> text.append(canonical(item)).append(','));
      return text.append(']').toString();
    }
    return value.toString();
  }

  private static long revision(JsonObject replicaSet) {
    try {
      return Long.parseLong(object(object(replicaSet, "metadata"), "annotations")
          .getString(REVISION, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static int specReplicas(JsonObject replicaSet) {
    return object(replicaSet, "spec").getInt("replicas", 0);
  }

  private static int statusReplicas(JsonObject replicaSet) {
    return object(replicaSet, "status").getInt("replicas", 0);
  }

  private static int availableReplicas(JsonObject replicaSet) {
    return object(replicaSet, "status").getInt("availableReplicas", 0);
  }

}
