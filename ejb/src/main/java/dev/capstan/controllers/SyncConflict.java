package dev.capstan.controllers;

import dev.capstan.store.ConflictException;

/**
 * A reconcile's write lost a race (its resourceVersion or uid precondition failed): the object
 * changed since it was read. Thrown out of {@code reconcile} so the key is retried after its
 * back-off (milliseconds at first) from a fresh read, as a Kubernetes controller's sync returns
 * the 409 and {@code AddRateLimited} requeues the key.
 */
final class SyncConflict extends RuntimeException {

  SyncConflict(ConflictException cause) {
    super(cause.key().kind() + " " + cause.key().namespace() + "/" + cause.key().name() + ": "
        + cause.getMessage(), cause);
  }
}
