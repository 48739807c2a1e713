package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.AlreadyExistsException;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Writes what {@link ControllerHistory} decides for a DaemonSet or StatefulSet: the current
 * template's ControllerRevision made or renumbered, revisions past the history limit deleted.
 */
final class ControllerRevisions {

  private static final Logger LOG = Logger.getLogger(ControllerRevisions.class.getName());

  private ControllerRevisions() {}

  /**
   * Records the owner's current template; false when a revision to renumber went meanwhile
   * (the caller asks for the owner again).
   *
   * @throws SyncConflict when a revision changed meanwhile
   */
  static boolean record(ObjectStore store, JsonObject owner, String ownerKind,
      List<JsonObject> pods) {
    JsonObject metadata = object(owner, "metadata");
    String namespace = metadata.getString("namespace", "");
    String uid = metadata.getString("uid", "");
    List<JsonObject> revisions = store.list(ResourceTypes.CONTROLLER_REVISION.all(
            Optional.of(namespace), "")).bodies().stream()
        .filter(revision -> OwnedPods.controllerOf(revision)
            .map(controller -> uid.equals(controller.getString("uid", ""))).orElse(false))
        .toList();
    ControllerHistory.Actions history = ControllerHistory.plan(owner, ownerKind, revisions, pods);
    boolean recorded = true;
    try {
      if (history.create().isPresent()) {
        JsonObject revision = history.create().get();
        store.create(ResourceTypes.CONTROLLER_REVISION.key(namespace,
            object(revision, "metadata").getString("name")), "apps/v1", revision);
      }
      if (history.renumber().isPresent()) {
        JsonObject revision = history.renumber().get();
        store.update(ResourceTypes.CONTROLLER_REVISION.key(namespace,
            object(revision, "metadata").getString("name")), "apps/v1", Preconditions.NONE,
            latest -> Json.createObjectBuilder(latest)
                .add("revision", revision.getJsonNumber("revision")).build());
      }
    } catch (AlreadyExistsException e) {
      // a revision of that name that is not this owner's (or made meanwhile): left as it is
      LOG.warning(() -> "The ControllerRevision of " + ownerKind + " " + namespace + "/"
          + metadata.getString("name", "") + " was not recorded: " + e.getMessage());
    } catch (NotFoundException e) {
      recorded = false;
    } catch (ConflictException e) {
      throw new SyncConflict(e);
    }
    for (String name : history.delete()) {
      try {
        store.delete(ResourceTypes.CONTROLLER_REVISION.key(namespace, name), "apps/v1",
            Preconditions.NONE);
      } catch (NotFoundException | ConflictException e) {
        // gone already
      }
    }
    return recorded;
  }
}
