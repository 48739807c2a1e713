package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.entity.ObjectKey;
import dev.capstan.watch.Change;
import jakarta.json.JsonObject;
import java.util.Collection;
import java.util.Set;

/** The {@code namespace/name} keys controllers work by, and the common ways to find them. */
final class ControllerKeys {

  private ControllerKeys() {}

  /** The key of a stored object. */
  static String of(JsonObject object) {
    JsonObject metadata = object(object, "metadata");
    return metadata.getString("namespace", "") + "/" + metadata.getString("name", "");
  }

  /**
   * The keys of every object of a kind, for the periodic resync. From the store's key columns:
   * one object that cannot be read must not stop the resync of all the others (each key's sync
   * reads its own object; only the unreadable one's fails).
   */
  static Collection<String> all(ObjectStore store, ResourceType type) {
    return store.keys(type.group(), type.kind()).stream()
        .map(key -> key.namespace() + "/" + key.name())
        .toList();
  }

  /** The names of every namespace: the keys of controllers that work one namespace at a time. */
  static Collection<String> namespaces(ObjectStore store) {
    return store.keys(ResourceTypes.NAMESPACE.group(), ResourceTypes.NAMESPACE.kind()).stream()
        .map(ObjectKey::name)
        .toList();
  }

  /** Whether a change is to an object of this kind. */
  static boolean isOf(Change change, ResourceType type) {
    return change.key().kind().equals(type.kind())
        && change.key().apiGroup().equals(type.group());
  }

  /** The key of the changed object's controlling owner when it is of {@code ownerKind}. */
  static Set<String> ownerOf(Change change, String ownerKind) {
    return OwnedPods.controllerOf(change.object())
        .filter(owner -> ownerKind.equals(owner.getString("kind", "")))
        .map(owner -> Set.of(change.key().namespace() + "/" + owner.getString("name", "")))
        .orElse(Set.of());
  }
}
