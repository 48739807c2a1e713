package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.jsonp.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A DaemonSet's or StatefulSet's revision history as Kubernetes' controllers keep it: one
 * ControllerRevision per pod template the owner has had ({@code <owner>-<hash>}, the
 * template's labels plus {@code controller-revision-hash}, the owner's annotations, a
 * controller reference to it), whose {@code data} is the strategic merge patch that puts that
 * template back ({@code {"spec":{"template":{..., "$patch":"replace"}}}}, what
 * {@code kubectl rollout undo} sends) and whose {@code revision} is one more than the newest
 * other revision: a template that comes back (an undo) keeps its ControllerRevision, which is
 * renumbered as the newest. Beyond {@code revisionHistoryLimit} (10 by default), the oldest
 * revisions no live pod runs are deleted (a pod runs a revision when its
 * {@code controller-revision-hash} label is the revision's hash, as a DaemonSet's pods have it,
 * or its name, as a StatefulSet's have it). Decided from plain objects alone; the controller
 * writes what this returns.
 */
final class ControllerHistory {

  /** The revision to create, or the current one renumbered, and the revisions to delete. */
  record Actions(Optional<JsonObject> create, Optional<JsonObject> renumber, List<String> delete) {}

  private ControllerHistory() {}

  /**
   * @param revisions the ControllerRevisions the owner controls
   * @param ownerKind {@code DaemonSet} or {@code StatefulSet}
   * @param pods its pods (their {@code controller-revision-hash} labels keep revisions alive)
   */
  static Actions plan(JsonObject owner, String ownerKind, List<JsonObject> revisions,
      List<JsonObject> pods) {
    JsonObject template = object(object(owner, "spec"), "template");
    String hash = DeploymentController.templateHash(template);
    String name = object(owner, "metadata").getString("name", "") + "-" + hash;
    JsonObject data = patchOf(template);
    Optional<JsonObject> current = revisions.stream()
        .filter(revision -> nameOf(revision).equals(name) || data.equals(revision.get("data")))
        .findFirst();
    List<JsonObject> old = revisions.stream()
        .filter(revision -> current.map(c -> !nameOf(c).equals(nameOf(revision))).orElse(true))
        .sorted(Comparator.comparingLong(ControllerHistory::revisionOf))
        .toList();
    long next = old.stream().mapToLong(ControllerHistory::revisionOf).max().orElse(0) + 1;

    Optional<JsonObject> create = Optional.empty();
    Optional<JsonObject> renumber = Optional.empty();
    if (current.isEmpty()) {
      create = Optional.of(snapshot(owner, ownerKind, name, hash, data, next));
    } else if (revisionOf(current.get()) < next) {
      renumber = Optional.of(Json.createObjectBuilder(current.get()).add("revision", next).build());
    }

    int limit = object(owner, "spec").getInt("revisionHistoryLimit", 10);
    Set<String> live = new HashSet<>();
    for (JsonObject pod : pods) {
      if (object(object(pod, "metadata"), "labels").get(DaemonSetPlan.HASH_LABEL)
          instanceof JsonString podHash) {
        live.add(podHash.getString());
      }
    }
    List<String> delete = new ArrayList<>();
    int excess = old.size() - Math.max(limit, 0);
    for (JsonObject revision : old) {
      if (excess <= 0) {
        break;
      }
      String revisionHash = object(object(revision, "metadata"), "labels")
          .getString(DaemonSetPlan.HASH_LABEL, "");
      if (!live.contains(revisionHash) && !live.contains(nameOf(revision))) {
        delete.add(nameOf(revision));
        excess--;
      }
    }
    return new Actions(create, renumber, delete);
  }

  /** The strategic merge patch that puts a pod template back into its DaemonSet. */
  static JsonObject patchOf(JsonObject template) {
    return Json.createObjectBuilder()
        .add("spec", Json.createObjectBuilder()
            .add("template", Json.createObjectBuilder(template).add("$patch", "replace")))
        .build();
  }

  private static JsonObject snapshot(JsonObject owner, String ownerKind, String name,
      String hash, JsonObject data, long revision) {
    JsonObject metadata = object(owner, "metadata");
    JsonObject templateLabels = object(object(object(object(owner, "spec"), "template"),
        "metadata"), "labels");
    var revisionMetadata = Json.createObjectBuilder()
        .add("name", name)
        .add("namespace", metadata.getString("namespace", ""))
        .add("labels", Json.createObjectBuilder(templateLabels).add(DaemonSetPlan.HASH_LABEL, hash))
        .add("ownerReferences", Json.createArrayBuilder().add(
            OwnedPods.controllerReference("apps/v1", ownerKind, owner)));
    JsonObject annotations = object(metadata, "annotations");
    if (!annotations.isEmpty()) {
      revisionMetadata.add("annotations", annotations);
    }
    return Json.createObjectBuilder()
        .add("apiVersion", "apps/v1")
        .add("kind", "ControllerRevision")
        .add("metadata", revisionMetadata)
        .add("data", data)
        .add("revision", revision)
        .build();
  }

  static long revisionOf(JsonObject revision) {
    return revision.get("revision") instanceof JsonNumber number ? number.longValue() : 0;
  }

  private static String nameOf(JsonObject object) {
    return object(object, "metadata").getString("name", "");
  }
}
