package dev.capstan.controllers;

import dev.capstan.watch.Change;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * A reconcile loop shaped like a Kubernetes controller: level-triggered and keyed by object
 * ({@code namespace/name}); told which keys a change concerns, and asked to reconcile one key
 * at a time, from the current state only, so running it again changes nothing that is right.
 * {@link ControllerManager} gives each controller its own work queue ({@link ControllerLoop}):
 * a key is never reconciled by two workers at once, but different keys may be, so a controller
 * keeps no mutable state of its own beyond what is safe to share.
 */
public interface Controller {

  String name();

  /** The keys this change may concern (the object itself, or its owner). */
  Set<String> keysFor(Change change);

  /** Every key there is, for the periodic resync. */
  Collection<String> allKeys();

  /**
   * Keys that need a look because time passed rather than because something changed (a node
   * whose heartbeats stopped, a toleration that ran out); asked every second. A controller
   * that knows the time itself asks for it through {@link #requeueWith} instead.
   */
  default Collection<String> dueKeys(Instant now) {
    return List.of();
  }

  /**
   * Brings the object named by {@code key} and what it owns to what it asks for. A runtime
   * exception (a {@link SyncConflict} for a lost race) requeues the key with back-off.
   */
  void reconcile(String key);

  /** Handed once, before the first reconcile: how to ask for a key again later. */
  default void requeueWith(Requeue requeue) {}

  /** How many keys of this controller may be reconciled at once. */
  default int workers() {
    return 1;
  }
}
