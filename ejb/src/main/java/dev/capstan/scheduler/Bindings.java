package dev.capstan.scheduler;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import dev.capstan.store.entity.StoredObject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.time.Instant;

/**
 * Binds a pod to a node, as the {@code binding} subresource does: sets {@code spec.nodeName}
 * once (a pod already assigned elsewhere is a conflict) and marks the PodScheduled condition.
 */
public final class Bindings {

  private Bindings() {}

  /** Thrown when the pod is already on a node. */
  public static final class AlreadyBound extends Exception {
    public AlreadyBound(String message) {
      super(message);
    }
  }

  public static StoredObject bind(ObjectStore store, String namespace, String pod, String node,
      Preconditions preconditions, Instant now)
      throws NotFoundException, ConflictException, AlreadyBound {
    AlreadyBound[] refused = new AlreadyBound[1];
    StoredObject bound = store.update(ResourceTypes.POD.key(namespace, pod), "v1", preconditions,
        current -> {
          String assigned = object(current, "spec").getString("nodeName", "");
          if (!assigned.isEmpty()) {
            refused[0] = new AlreadyBound("pod " + pod + " is already assigned to node \""
                + assigned + "\"");
            return current;
          }
          if (ObjectMetadata.isDeleting(current)) {
            refused[0] = new AlreadyBound("pod " + pod + " is being deleted, cannot be assigned"
                + " to a host");
            return current;
          }
          JsonObject status = object(current, "status");
          JsonArrayBuilder conditions = Json.createArrayBuilder();
          objects(status, "conditions").stream()
              .filter(c -> !"PodScheduled".equals(c.getString("type", "")))
              .forEach(conditions::add);
          conditions.add(Json.createObjectBuilder().add("type", "PodScheduled")
              .add("status", "True").add("lastTransitionTime", ObjectMetadata.timestamp(now)));
          return Json.createObjectBuilder(current)
              .add("spec", Json.createObjectBuilder(object(current, "spec")).add("nodeName", node))
              .add("status", Json.createObjectBuilder(status).add("conditions", conditions))
              .build();
        });
    if (refused[0] != null) {
      throw refused[0];
    }
    return bound;
  }
}
