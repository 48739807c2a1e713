package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.admission.quota.QuotaUsage;
import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.resources.ResourceList;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import dev.capstan.store.entity.StoredObject;
import dev.capstan.watch.Change;
import jakarta.json.JsonObject;
import java.time.Clock;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The resource quota controller: recomputes each ResourceQuota's {@code status.hard} (its
 * {@code spec.hard}) and {@code status.used} (counted from the objects in its namespace) when
 * the quota changes, when something it counts goes away or stops counting (a pod finishes or is
 * being deleted, a service changes), and on every resync. Admission charges creates as they
 * happen; this is what gives usage back.
 *
 * <p>The quota is read first and written with its resourceVersion as precondition, so a create
 * charged while the objects were being counted makes the write fail (and the count is redone)
 * instead of being lost.
 */
final class ResourceQuotaController implements Controller {

  private static final int ATTEMPTS = 3;

  private final ObjectStore store;
  private final Clock clock = Clock.systemUTC();

  ResourceQuotaController(ObjectStore store) {
    this.store = store;
  }

  @Override
  public String name() {
    return "resource quota controller";
  }

  @Override
  public Set<String> keysFor(Change change) {
    String namespace = change.key().namespace();
    if (namespace.isEmpty()) {
      return Set.of();
    }
    Optional<ResourceType> type = ResourceTypes.all().stream()
        .filter(t -> t.group().equals(change.key().apiGroup())
            && t.kind().equals(change.key().kind()))
        .findFirst();
    if (type.isEmpty()) {
      return Set.of();
    }
    boolean deleted = change.type().name().equals("DELETED");
    if (type.get() == ResourceTypes.RESOURCE_QUOTA && !deleted) {
      return Set.of(namespace + "/" + change.key().name());
    }
    if (!deleted && !QuotaUsage.mayReleaseUsage(type.get(), change.object())) {
      return Set.of();
    }
    return store.list(ResourceTypes.RESOURCE_QUOTA.all(Optional.of(namespace), "")).bodies()
        .stream()
        .filter(quota -> !QuotaUsage.tracked(type.get(),
            ResourceList.of(object(object(quota, "spec"), "hard")).names()).isEmpty())
        .map(quota -> namespace + "/" + object(quota, "metadata").getString("name", ""))
        .collect(Collectors.toSet());
  }

  @Override
  public Collection<String> allKeys() {
    return ControllerKeys.all(store, ResourceTypes.RESOURCE_QUOTA);
  }

  @Override
  public void reconcile(String key) {
    String[] parts = key.split("/", 2);
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Optional<StoredObject> stored = store.get(ResourceTypes.RESOURCE_QUOTA.key(parts[0], parts[1]));
      if (stored.isEmpty() || ObjectMetadata.isDeleting(stored.get().json())) {
        return;
      }
      JsonObject quota = stored.get().json();
      ResourceList hard = ResourceList.of(object(object(quota, "spec"), "hard"));
      ResourceList used = QuotaUsage.used(quota,
          type -> store.list(type.all(Optional.of(parts[0]), "")).bodies(), clock.instant());
      JsonObject status = object(quota, "status");
      if (ResourceList.of(object(status, "hard")).equals(hard)
          && ResourceList.of(object(status, "used")).equals(used)
          && object(status, "hard").size() == hard.names().size()) {
        return;
      }
      try {
        store.update(ResourceTypes.RESOURCE_QUOTA.key(parts[0], parts[1]),
            ResourceTypes.RESOURCE_QUOTA.apiVersion(),
            new Preconditions(Optional.of(stored.get().uid().toString()),
                Optional.of(stored.get().resourceVersion())),
            current -> Json.createObjectBuilder(current).add("status", Json.createObjectBuilder()
                .add("hard", hard.toJson()).add("used", used.toJson())).build());
        return;
      } catch (NotFoundException e) {
        return;
      } catch (ConflictException e) {
        // charged or changed while counting: count again
      }
    }
  }
}
