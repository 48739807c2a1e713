package dev.capstan.rbac;

import dev.capstan.contract.ClusterEvent;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.selection.FieldSelector;
import dev.capstan.selection.LabelSelector;
import dev.capstan.store.ObjectStore;
import dev.capstan.watch.ChangeFeed;
import dev.capstan.watch.Subscription;
import dev.capstan.watch.WatchFilter;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This server's view of the RBAC objects: a {@link PolicySnapshot} rebuilt from the store when
 * any Role, ClusterRole or binding has changed on any server. Changes are seen through the
 * store's change feed (the {@code api_change} log every server polls, so another server's write
 * is seen within the feed's poll interval) and, for this server's own writes, at once after
 * their commit. Callers keep the {@link PolicySnapshot#generation()} to invalidate what they
 * derived from it (the authorizer's decision cache).
 */
@ApplicationScoped
public class RbacPolicy {

  static final List<ResourceType> KINDS = List.of(ResourceTypes.CLUSTER_ROLE,
      ResourceTypes.ROLE, ResourceTypes.CLUSTER_ROLE_BINDING, ResourceTypes.ROLE_BINDING);

  @Inject
  private ObjectStore store;

  @Inject
  private ChangeFeed feed;

  /** Bumped by every RBAC change seen; a snapshot built before the last bump is stale. */
  private final AtomicLong changes = new AtomicLong();
  private final List<Subscription> subscriptions = new ArrayList<>();
  private volatile PolicySnapshot snapshot;

  /** The current policy, rebuilt first if an RBAC object changed since it was built. */
  public PolicySnapshot snapshot() {
    PolicySnapshot current = snapshot;
    if (current != null && current.generation() == changes.get()) {
      return current;
    }
    synchronized (this) {
      subscribe();
      long generation = changes.get();
      if (snapshot == null || snapshot.generation() != generation) {
        snapshot = new PolicySnapshot(generation, list(ResourceTypes.CLUSTER_ROLE),
            list(ResourceTypes.ROLE), list(ResourceTypes.CLUSTER_ROLE_BINDING),
            list(ResourceTypes.ROLE_BINDING));
      }
      return snapshot;
    }
  }

  /** Forget the snapshot (an RBAC object changed). */
  public void invalidate() {
    changes.incrementAndGet();
  }

  /** This server's own RBAC writes count at once, not at the feed's next poll. */
  void committed(@Observes(during = TransactionPhase.AFTER_SUCCESS) ClusterEvent event) {
    if (event.apiVersion().startsWith(ResourceTypes.RBAC_GROUP + "/")) {
      invalidate();
    }
  }

  private void subscribe() {
    if (!subscriptions.isEmpty()) {
      return;
    }
    for (ResourceType type : KINDS) {
      Subscription[] holder = new Subscription[1];
      holder[0] = feed.subscribe(new WatchFilter(type.group(), type.kind(), Optional.empty(),
          LabelSelector.parse(""), FieldSelector.parse("")), () -> {
            // drain: only the fact of a change matters, and a full mailbox would stop signals
            while (holder[0] != null && holder[0].poll() != null) {
              // nothing to keep
            }
            invalidate();
          });
      subscriptions.add(holder[0]);
    }
    // what changed before the subscriptions existed is in the lists read after this
    invalidate();
  }

  private List<JsonObject> list(ResourceType type) {
    return store.list(type.all(Optional.empty(), "")).bodies();
  }

  @PreDestroy
  void close() {
    subscriptions.forEach(Subscription::close);
  }
}
