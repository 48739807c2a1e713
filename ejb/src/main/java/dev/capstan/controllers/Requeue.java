package dev.capstan.controllers;

import java.time.Instant;

/**
 * How a controller asks for a key again at a later time (client-go's {@code AddAfter}): a
 * CronJob at its next schedule, a Deployment when its progress deadline passes, a ReplicaSet when
 * a pod has been ready for {@code minReadySeconds}. The key goes into the controller's work queue,
 * held in this server's memory: the periodic resync reconciles every key anyway, so a lost entry
 * only delays work.
 */
@FunctionalInterface
interface Requeue {

  /** Reconciles {@code key} again at {@code when} (the earliest of all such asks wins). */
  void after(String key, Instant when);
}
