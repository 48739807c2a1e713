package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.json.JsonFields;
import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceType;
import dev.capstan.recording.EventRecorder;
import dev.capstan.selection.LabelSelector;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import dev.capstan.store.entity.ObjectChange;
import dev.capstan.store.entity.StoredObject;
import dev.capstan.watch.Change;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The shell of a controller whose objects own objects of another kind (Deployment → ReplicaSet,
 * ReplicaSet and ReplicationController → Pod, DaemonSet → Pod, CronJob → Job): which keys a
 * change concerns, the resync's keys, asking for a key again later, and claiming the owned
 * objects before {@link #sync} decides what to do with them.
 *
 * <p>Claiming is Kubernetes' {@code ControllerRefManager}: of the owned kind's objects in the
 * owner's namespace, those whose controller reference is the owner's uid are its own while its
 * selector matches them and are released (the reference removed) when it no longer does; an
 * orphan (no controller reference) that the selector matches is adopted (a controller reference
 * added), unless it is being deleted or the owner is, re-read just before the first adoption.
 * Adopting and releasing are writes with the object's uid and resourceVersion as preconditions; a
 * lost race ends the sync with a {@link SyncConflict}, so the key is retried in milliseconds
 * from a fresh read. Objects controlled by anyone else are never touched.
 */
abstract class OwnerController implements Controller {

  protected final ResourceType ownerType;
  protected final ResourceType ownedType;
  protected final ObjectStore store;
  protected final EventRecorder events;
  private volatile Requeue requeue = (key, when) -> { };

  protected OwnerController(ResourceType ownerType, ResourceType ownedType, ObjectStore store,
      EventRecorder events) {
    this.ownerType = ownerType;
    this.ownedType = ownedType;
    this.store = store;
    this.events = events;
  }

  /**
   * Brings one owner and what it owns to what it asks for; runs only for an owner that exists
   * and is not being deleted.
   *
   * @param key the owner's {@code namespace/name}
   * @param owner the owner as stored now
   * @param owned the objects it controls after claiming, in list order
   */
  protected abstract void sync(String key, JsonObject owner, List<JsonObject> owned);

  /**
   * The owner's selector of its owned objects; empty selects nothing (and adopts nothing).
   * {@code spec.selector} as a LabelSelector unless the kind says otherwise.
   */
  protected Optional<LabelSelector> selector(JsonObject owner) {
    JsonObject selector = object(object(owner, "spec"), "selector");
    return selector.isEmpty() ? Optional.empty() : Optional.of(LabelSelector.fromJson(selector));
  }

  /** Whether this controller adopts matching orphans and releases what stops matching. */
  protected boolean adoptsOrphans() {
    return true;
  }

  /** Whether an object may be claimed at all (a ReplicaSet claims only active pods). */
  protected boolean claimable(JsonObject object) {
    return true;
  }

  /** Keys for changes to kinds other than the owner and the owned (nodes, quotas). */
  protected Set<String> otherKeysFor(Change change) {
    return Set.of();
  }

  /** Asks for {@code key} again at {@code when}. */
  protected final void requeueAt(String key, Instant when) {
    requeue.after(key, when);
  }

  @Override
  public String name() {
    return ownerType.kind() + " controller";
  }

  @Override
  public int workers() {
    return 2;
  }

  @Override
  public void requeueWith(Requeue requeue) {
    this.requeue = requeue;
  }

  @Override
  public Set<String> keysFor(Change change) {
    String namespace = change.key().namespace();
    if (ControllerKeys.isOf(change, ownerType)) {
      return Set.of(namespace + "/" + change.key().name());
    }
    if (!ControllerKeys.isOf(change, ownedType)) {
      return otherKeysFor(change);
    }
    if (OwnedPods.controllerOf(change.object()).isPresent()) {
      return ControllerKeys.ownerOf(change, ownerType.kind());
    }
    if (!adoptsOrphans() || change.type() == ObjectChange.Type.DELETED) {
      return Set.of();
    }
    // an orphan: the owners of its namespace whose selector matches may adopt it
    Map<String, String> labels = labels(change.object());
    Set<String> keys = new HashSet<>();
    for (JsonObject owner : store.list(ownerType.all(Optional.of(namespace), "")).bodies()) {
      if (selector(owner).map(s -> s.matches(labels)).orElse(false)) {
        keys.add(ControllerKeys.of(owner));
      }
    }
    return keys;
  }

  @Override
  public Collection<String> allKeys() {
    return ControllerKeys.all(store, ownerType);
  }

  @Override
  public final void reconcile(String key) {
    String[] parts = key.split("/", 2);
    Optional<StoredObject> stored = store.get(ownerType.key(parts[0], parts[1]));
    if (stored.isEmpty() || ObjectMetadata.isDeleting(stored.get().json())) {
      return;
    }
    JsonObject owner = stored.get().json();
    sync(key, owner, claim(owner));
  }

  /** The owned kind's objects this owner controls, after adopting and releasing. */
  final List<JsonObject> claim(JsonObject owner) {
    JsonObject metadata = object(owner, "metadata");
    ClaimPlan plan = ClaimPlan.of(metadata.getString("uid", ""), selector(owner),
        adoptsOrphans(), this::claimable, store.list(ownedType.all(
            Optional.of(metadata.getString("namespace", "")), "")).bodies());
    plan.release().forEach(object -> release(object, metadata.getString("uid", "")));
    List<JsonObject> owned = new ArrayList<>(plan.owned());
    if (!plan.adopt().isEmpty() && stillAdopting(owner)) {
      plan.adopt().forEach(object -> adopt(owner, object).ifPresent(owned::add));
    }
    return owned;
  }

  /**
   * The owner re-read just before it adopts (Kubernetes' RecheckDeletionTimestamp): it must still
   * be the same object and not being deleted, or a deleted owner could adopt after it was read.
   */
  private boolean stillAdopting(JsonObject owner) {
    JsonObject metadata = object(owner, "metadata");
    return store.get(ownerType.key(metadata.getString("namespace", ""),
            metadata.getString("name", "")))
        .map(StoredObject::json)
        .filter(fresh -> metadata.getString("uid", "").equals(
            object(fresh, "metadata").getString("uid", "")))
        .filter(fresh -> !ObjectMetadata.isDeleting(fresh))
        .isPresent();
  }

  private Optional<JsonObject> adopt(JsonObject owner, JsonObject object) {
    JsonObject reference = OwnedPods.controllerReference(ownerType.apiVersion(),
        ownerType.kind(), owner);
    return write(object, references -> {
      references.add(reference);
      return references;
    }, "");
  }

  private void release(JsonObject object, String ownerUid) {
    write(object, references -> references, ownerUid);
  }

  /**
   * Rewrites the object's ownerReferences: those of {@code dropUid} (or, when it is empty, any
   * controller reference) are removed, then {@code adding} may add. Preconditions: the object's
   * uid and the resourceVersion it was read at.
   */
  private Optional<JsonObject> write(JsonObject object,
      java.util.function.UnaryOperator<JsonArrayBuilder> adding, String dropUid) {
    JsonObject metadata = object(object, "metadata");
    long resourceVersion;
    try {
      resourceVersion = Long.parseLong(metadata.getString("resourceVersion", ""));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    try {
      StoredObject written = store.update(ownedType.key(metadata.getString("namespace", ""),
              metadata.getString("name", "")), ownedType.apiVersion(),
          new Preconditions(Optional.of(metadata.getString("uid", "")),
              Optional.of(resourceVersion)),
          current -> {
            JsonArrayBuilder references = Json.createArrayBuilder();
            objects(object(current, "metadata"), "ownerReferences").stream()
                .filter(reference -> dropUid.isEmpty()
                    ? !reference.getBoolean("controller", false)
                    : !dropUid.equals(reference.getString("uid", "")))
                .forEach(references::add);
            var kept = adding.apply(references).build();
            var metadataOut = Json.createObjectBuilder(object(current, "metadata"));
            // as Kubernetes: no references is no field, not an empty list
            return Json.createObjectBuilder(current).add("metadata", kept.isEmpty()
                ? metadataOut.remove("ownerReferences") : metadataOut.add("ownerReferences", kept))
                .build();
          });
      return Optional.of(written.json());
    } catch (NotFoundException e) {
      return Optional.empty(); // gone meanwhile: nothing to claim
    } catch (ConflictException e) {
      throw new SyncConflict(e);
    }
  }

  static Map<String, String> labels(JsonObject object) {
    return JsonFields.strings(object(object(object, "metadata"), "labels"));
  }
}
