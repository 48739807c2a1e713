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
 */
public interface Controller {

  String name();

  /** The keys this change may concern (the object itself, or its owner). */
  Set<String> keysFor(Change change);

  /** Every key there is, for the periodic resync. */
  Collection<String> allKeys();

  /**
   * Keys that need a look because time passed rather than because something changed (a node
   * whose heartbeats stopped, a toleration that ran out, a key asked back by {@link Requeue});
   * asked every tick.
   */
  default Collection<String> dueKeys(Instant now) {
    return List.of();
  }

  /** Brings the object named by {@code key} and what it owns to what it asks for. */
  void reconcile(String key);
}
