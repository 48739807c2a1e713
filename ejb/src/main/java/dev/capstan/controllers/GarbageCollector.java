package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.admission.GracefulDeletion;
import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.ConflictException;
import dev.capstan.store.CorruptObjectsException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import dev.capstan.store.entity.StoredObject;
import dev.capstan.watch.Change;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The garbage collector: dependents (objects with ownerReferences) whose owners are all gone
 * are deleted, the background propagation Kubernetes does by default. Owners being deleted with
 * the {@code orphan} finalizer first have their dependents' references to them removed; with
 * {@code foregroundDeletion}, their dependents are deleted first. Either finalizer is removed
 * once no dependent refers to the owner any more, which lets the owner go.
 *
 * <p>Keys name objects as {@code kind|namespace|name}; dependents are looked for among the kinds
 * controllers create (Pods, ReplicaSets, Jobs) and node Leases. Every change of a dependent also
 * asks for a look at its owners, so an owner waiting in foreground or orphan deletion is let go as
 * soon as its last dependent goes (not only when the owner itself changes again), and the resync
 * looks at every owner kind's objects that wait on one of those finalizers.
 */
final class GarbageCollector implements Controller {

  private static final Logger LOG = Logger.getLogger(GarbageCollector.class.getName());

  private static final List<ResourceType> DEPENDENT_KINDS = List.of(ResourceTypes.POD,
      ResourceTypes.REPLICA_SET, ResourceTypes.CONTROLLER_REVISION, ResourceTypes.JOB,
      ResourceTypes.LEASE, ResourceTypes.PERSISTENT_VOLUME_CLAIM);
  /** The kinds whose objects own others here, and so may wait on a deletion finalizer. */
  private static final List<ResourceType> OWNER_KINDS = List.of(
      ResourceTypes.REPLICATION_CONTROLLER, ResourceTypes.REPLICA_SET, ResourceTypes.DEPLOYMENT,
      ResourceTypes.DAEMON_SET, ResourceTypes.STATEFUL_SET, ResourceTypes.JOB,
      ResourceTypes.CRON_JOB, ResourceTypes.NODE);

  private final ObjectStore store;

  GarbageCollector(ObjectStore store) {
    this.store = store;
  }

  @Override
  public String name() {
    return "garbage collector";
  }

  @Override
  public Set<String> keysFor(Change change) {
    Set<String> keys = new HashSet<>();
    JsonObject object = change.object();
    String namespace = change.key().namespace();
    List<JsonObject> references = objects(object(object, "metadata"), "ownerReferences");
    if (!references.isEmpty()) {
      keys.add(key(change.key().kind(), namespace, change.key().name()));
      references.forEach(reference -> keys.add(ownerKey(reference, namespace)));
    }
    boolean gone = change.type().name().equals("DELETED") || ObjectMetadata.isDeleting(object);
    if (gone) {
      String uid = object(object, "metadata").getString("uid", "");
      for (JsonObject dependent : dependentsOf(uid, namespace)) {
        keys.add(key(dependent.getString("kind", ""), namespaceOf(dependent),
            object(dependent, "metadata").getString("name", "")));
      }
      if (ObjectMetadata.isDeleting(object) && !change.type().name().equals("DELETED")) {
        keys.add(key(change.key().kind(), namespace, change.key().name()));
      }
    }
    return keys;
  }

  @Override
  public Collection<String> allKeys() {
    List<String> keys = new ArrayList<>();
    for (ResourceType type : DEPENDENT_KINDS) {
      for (JsonObject object : readable(type)) {
        List<JsonObject> references = objects(object(object, "metadata"), "ownerReferences");
        if (!references.isEmpty()) {
          keys.add(key(type.kind(), namespaceOf(object),
              object(object, "metadata").getString("name", "")));
        }
      }
    }
    for (ResourceType type : OWNER_KINDS) {
      for (JsonObject object : readable(type)) {
        List<String> finalizers = ObjectMetadata.finalizers(object);
        if (ObjectMetadata.isDeleting(object) && (finalizers.contains(GarbageCollection.ORPHAN)
            || finalizers.contains(GarbageCollection.FOREGROUND))) {
          keys.add(key(type.kind(), namespaceOf(object),
              object(object, "metadata").getString("name", "")));
        }
      }
    }
    return keys;
  }

  @Override
  public void reconcile(String key) {
    String[] parts = key.split("\\|", 3);
    Optional<ResourceType> type = byKind(parts[0]);
    if (type.isEmpty()) {
      return;
    }
    Optional<StoredObject> stored = store.get(type.get().key(parts[1], parts[2]));
    if (stored.isEmpty()) {
      return;
    }
    JsonObject object = stored.get().json();
    finishOwnerDeletion(type.get(), object);
    List<JsonObject> references = objects(object(object, "metadata"), "ownerReferences");
    if (references.isEmpty() || ObjectMetadata.isDeleting(object)) {
      return;
    }
    boolean anyOwnerLeft = false;
    List<String> orphaningOwners = new ArrayList<>();
    for (JsonObject reference : references) {
      Optional<JsonObject> owner = owner(reference, parts[1]);
      if (owner.isEmpty()) {
        continue;
      }
      List<String> finalizers = ObjectMetadata.finalizers(owner.get());
      if (ObjectMetadata.isDeleting(owner.get()) && finalizers.contains(GarbageCollection.ORPHAN)) {
        orphaningOwners.add(reference.getString("uid", ""));
        continue;
      }
      if (ObjectMetadata.isDeleting(owner.get())
          && finalizers.contains(GarbageCollection.FOREGROUND)) {
        continue;
      }
      anyOwnerLeft = true;
    }
    if (!orphaningOwners.isEmpty()) {
      removeReferences(type.get(), object, orphaningOwners);
      return;
    }
    if (!anyOwnerLeft) {
      try {
        store.delete(type.get().key(parts[1], parts[2]), type.get().apiVersion(),
            new Preconditions(Optional.of(object(object, "metadata").getString("uid", "")),
                Optional.empty()),
            GracefulDeletion.of(type.get().group(), type.get().kind()));
      } catch (NotFoundException | ConflictException e) {
        // gone or replaced already
      }
    }
  }

  /** An owner deleted with orphan or foreground propagation goes once nothing refers to it. */
  private void finishOwnerDeletion(ResourceType type, JsonObject owner) {
    if (!ObjectMetadata.isDeleting(owner)) {
      return;
    }
    List<String> finalizers = ObjectMetadata.finalizers(owner);
    for (String finalizer : List.of(GarbageCollection.ORPHAN, GarbageCollection.FOREGROUND)) {
      if (!finalizers.contains(finalizer)) {
        continue;
      }
      String uid = object(owner, "metadata").getString("uid", "");
      if (!dependentsOf(uid, namespaceOf(owner)).isEmpty()) {
        continue;
      }
      try {
        store.update(type.key(namespaceOf(owner), object(owner, "metadata").getString("name", "")),
            type.apiVersion(), Preconditions.NONE,
            current -> GarbageCollection.withoutFinalizer(current, finalizer));
      } catch (NotFoundException | ConflictException e) {
        // gone already
      }
    }
  }

  private void removeReferences(ResourceType type, JsonObject object, List<String> ownerUids) {
    try {
      store.update(type.key(namespaceOf(object), object(object, "metadata").getString("name", "")),
          type.apiVersion(), Preconditions.NONE, current -> {
            JsonArrayBuilder kept = Json.createArrayBuilder();
            objects(object(current, "metadata"), "ownerReferences").stream()
                .filter(reference -> !ownerUids.contains(reference.getString("uid", "")))
                .forEach(kept::add);
            JsonArray references = kept.build();
            JsonObjectBuilder metadata = Json.createObjectBuilder(object(current, "metadata"));
            // Kubernetes omits an empty list rather than writing []
            if (references.isEmpty()) {
              metadata.remove("ownerReferences");
            } else {
              metadata.add("ownerReferences", references);
            }
            return Json.createObjectBuilder(current).add("metadata", metadata).build();
          });
    } catch (NotFoundException | ConflictException e) {
      // gone already
    }
  }

  /** The owner a reference names, if it exists with that uid. */
  private Optional<JsonObject> owner(JsonObject reference, String namespace) {
    String apiVersion = reference.getString("apiVersion", "v1");
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    Optional<ResourceType> type = ResourceTypes.all().stream()
        .filter(t -> t.group().equals(group) && t.kind().equals(reference.getString("kind", "")))
        .findFirst();
    if (type.isEmpty()) {
      // an owner of a kind Capstan does not serve cannot be checked: keep the dependent
      return Optional.of(JsonObject.EMPTY_JSON_OBJECT);
    }
    return store.get(type.get().key(type.get().namespaced() ? namespace : "",
            reference.getString("name", "")))
        .map(StoredObject::json)
        .filter(owner -> object(owner, "metadata").getString("uid", "")
            .equals(reference.getString("uid", "")));
  }

  /**
   * Every object of a kind, for the resync's enumeration; none when the kind holds an object that
   * cannot be read, so that it does not stop the resync of the other kinds (changes still queue
   * their keys, and a sync reads the truth; only this enumeration waits for the administrator to
   * delete the object the warning names).
   */
  private List<JsonObject> readable(ResourceType type) {
    try {
      return store.list(type.all(Optional.empty(), "")).bodies();
    } catch (CorruptObjectsException e) {
      LOG.warning(() -> "Garbage collector resync skips " + type.qualifiedPlural() + ": "
          + e.getMessage());
      return List.of();
    }
  }

  private List<JsonObject> dependentsOf(String uid, String namespace) {
    List<JsonObject> dependents = new ArrayList<>();
    for (ResourceType type : DEPENDENT_KINDS) {
      Optional<String> scope = namespace.isEmpty() ? Optional.empty() : Optional.of(namespace);
      for (JsonObject object : store.list(type.all(scope, "")).bodies()) {
        if (objects(object(object, "metadata"), "ownerReferences").stream()
            .anyMatch(reference -> uid.equals(reference.getString("uid", "")))) {
          dependents.add(Json.createObjectBuilder(object).add("kind", type.kind()).build());
        }
      }
    }
    return dependents;
  }

  private static Optional<ResourceType> byKind(String kind) {
    return DEPENDENT_KINDS.stream().filter(t -> t.kind().equals(kind)).findFirst()
        .or(() -> ResourceTypes.all().stream().filter(t -> t.kind().equals(kind)).findFirst());
  }

  private static String namespaceOf(JsonObject object) {
    return object(object, "metadata").getString("namespace", "");
  }

  /** The key of the owner a reference names (cluster-scoped owners have no namespace). */
  private static String ownerKey(JsonObject reference, String dependentNamespace) {
    String kind = reference.getString("kind", "");
    boolean namespaced = byKind(kind).map(ResourceType::namespaced).orElse(true);
    return key(kind, namespaced ? dependentNamespace : "", reference.getString("name", ""));
  }

  private static String key(String kind, String namespace, String name) {
    return kind + "|" + namespace + "|" + name;
  }
}
