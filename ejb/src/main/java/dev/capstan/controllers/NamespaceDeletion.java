package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.admission.GracefulDeletion;
import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import dev.capstan.store.entity.StoredObject;
import dev.capstan.watch.Change;
import jakarta.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The namespace controller: a namespace being deleted (phase {@code Terminating}) has everything
 * in it deleted, pods with their grace periods; once nothing is left, the namespace goes too.
 * While something is left, or could not be deleted (an object that cannot be read), the
 * namespace's conditions say so as Kubernetes' do ({@link NamespaceConditions}); an object that
 * cannot be read is for an administrator to delete unsafely
 * ({@code ignoreStoreReadErrorWithClusterBreakingPotential}).
 */
public final class NamespaceDeletion implements Controller {

  private final ObjectStore store;
  private final Clock clock = Clock.systemUTC();

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
    NamespaceConditions.Pass pass = new NamespaceConditions.Pass();
    for (ResourceType type : ResourceTypes.all()) {
      if (!type.namespaced() || type == ResourceTypes.COMPONENT_STATUS) {
        continue;
      }
      if (deleteContent(name, type, pass)) {
        countRemaining(name, type, pass);
      }
    }
    if (pass.empty()) {
      try {
        store.delete(ResourceTypes.NAMESPACE.key("", name), ResourceTypes.NAMESPACE.apiVersion(),
            Preconditions.NONE, current -> 0);
      } catch (NotFoundException | ConflictException e) {
        // gone already
      }
      return;
    }
    try {
      Instant now = clock.instant();
      store.update(ResourceTypes.NAMESPACE.key("", name), ResourceTypes.NAMESPACE.apiVersion(),
          Preconditions.NONE, current -> NamespaceConditions.apply(current, pass, now));
    } catch (NotFoundException | ConflictException e) {
      // gone meanwhile
    }
    if (pass.failedAny()) {
      // retried with back-off; what failed is in the namespace's conditions
      throw new ContentNotDeleted(name);
    }
    // what remains is being deleted (grace periods, finalizers): its DELETED events bring the
    // namespace back here
  }

  /**
   * Deletes a kind's content in the namespace, noting in the pass what failed; whether anything
   * was found (and may remain).
   */
  private boolean deleteContent(String namespace, ResourceType type,
      NamespaceConditions.Pass pass) {
    List<StoredObject> objects;
    try {
      objects = store.list(type.all(Optional.of(namespace), "")).items();
    } catch (RuntimeException e) {
      pass.failed(failure(type, e));
      return false;
    }
    for (StoredObject object : objects) {
      try {
        if (ObjectMetadata.isDeleting(object.json())) {
          continue;
        }
        store.delete(object.key(), type.apiVersion(), Preconditions.NONE,
            GracefulDeletion.of(type.group(), type.kind()));
      } catch (NotFoundException | ConflictException e) {
        // gone meanwhile
      } catch (RuntimeException e) {
        pass.failed(failure(type, e));
      }
    }
    return !objects.isEmpty();
  }

  private void countRemaining(String namespace, ResourceType type,
      NamespaceConditions.Pass pass) {
    try {
      for (StoredObject object : store.list(type.all(Optional.of(namespace), "")).items()) {
        pass.remains(type.plural(), type.group(), object.json());
      }
    } catch (RuntimeException e) {
      // its failure is in the pass already, or it will be in the next one
    }
  }

  /** Why a kind's content could not be deleted, as kube-apiserver's error would say it. */
  private static String failure(ResourceType type, RuntimeException e) {
    Throwable cause = e;
    while (cause instanceof jakarta.ejb.EJBException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof dev.capstan.store.CorruptObjectsException) {
      // the list of the namespace's content met unreadable objects: kube-apiserver's
      // StoreReadError, which names them to whoever lists the kind
      return type.plural() + "." + type.group() + ": failed to read one or more "
          + type.qualifiedPlural() + " from the storage";
    }
    String reason = cause instanceof dev.capstan.store.encryption.StorageTransformException
        ? cause.getMessage() : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    return type.plural() + "." + type.group() + ": Internal error occurred: " + reason;
  }

  /** A namespace whose content could not all be deleted: reconciled again with back-off. */
  static final class ContentNotDeleted extends RetryLater {
    ContentNotDeleted(String namespace) {
      super("namespace " + namespace + ": some content could not be deleted (see its"
          + " NamespaceDeletionContentFailure condition)");
    }
  }
}
