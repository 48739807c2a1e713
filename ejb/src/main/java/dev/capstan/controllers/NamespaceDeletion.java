package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.admission.GracefulDeletion;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import dev.capstan.store.entity.StoredObject;
import dev.capstan.watch.Change;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/**
 * The namespace controller: a namespace being deleted (phase {@code Terminating}) has everything
 * in it deleted, pods with their grace periods; once nothing is left, the namespace goes too.
 */
public final class NamespaceDeletion implements Controller {

  private final ObjectStore store;

  NamespaceDeletion(ObjectStore store) {
    this.store = store;
  }

  /** A namespace as it starts terminating. */
  public static JsonObject terminating(JsonObject namespace) {
    return Json.createObjectBuilder(namespace).add("status",
        Json.createObjectBuilder(object(namespace, "status")).add("phase", "Terminating")).build();
  }

  @Override
  public String name() {
    return "namespace controller";
  }

  @Override
  public Set<String> keysFor(Change change) {
    if (ControllerKeys.isOf(change, ResourceTypes.NAMESPACE)
        && ObjectMetadata.isDeleting(change.object())
        && !change.type().name().equals("DELETED")) {
      return Set.of(change.key().name());
    }
    // something in a terminating namespace went away: it may now be empty
    if (change.type().name().equals("DELETED") && !change.key().namespace().isEmpty()) {
      return store.get(ResourceTypes.NAMESPACE.key("", change.key().namespace()))
          .filter(namespace -> ObjectMetadata.isDeleting(namespace.json()))
          .map(namespace -> Set.of(change.key().namespace())).orElse(Set.of());
    }
    return Set.of();
  }

  @Override
  public Collection<String> allKeys() {
    return store.list(ResourceTypes.NAMESPACE.all(Optional.empty(), "")).bodies().stream()
        .filter(ObjectMetadata::isDeleting)
        .map(namespace -> object(namespace, "metadata").getString("name", ""))
        .toList();
  }

  @Override
  public void reconcile(String name) {
    Optional<StoredObject> namespace = store.get(ResourceTypes.NAMESPACE.key("", name));
    if (namespace.isEmpty() || !ObjectMetadata.isDeleting(namespace.get().json())) {
      return;
    }
    int left = 0;
    for (ResourceType type : ResourceTypes.all()) {
      if (!type.namespaced() || type == ResourceTypes.COMPONENT_STATUS) {
        continue;
      }
      for (JsonObject object : store.list(type.all(Optional.of(name), "")).bodies()) {
        left++;
        if (ObjectMetadata.isDeleting(object)) {
          continue;
        }
        try {
          store.delete(type.key(name, object(object, "metadata").getString("name", "")),
              type.apiVersion(), Preconditions.NONE,
              GracefulDeletion.of(type.group(), type.kind()));
        } catch (NotFoundException | ConflictException e) {
          // gone meanwhile
        }
      }
    }
    if (left == 0 || nothingLeft(name)) {
      try {
        store.delete(ResourceTypes.NAMESPACE.key("", name), ResourceTypes.NAMESPACE.apiVersion(),
            Preconditions.NONE, current -> 0);
      } catch (NotFoundException | ConflictException e) {
        // gone already
      }
    }
  }

  private boolean nothingLeft(String namespace) {
    for (ResourceType type : ResourceTypes.all()) {
      if (type.namespaced() && type != ResourceTypes.COMPONENT_STATUS
          && !store.list(type.all(Optional.of(namespace), "")).items().isEmpty()) {
        return false;
      }
    }
    return true;
  }

}
