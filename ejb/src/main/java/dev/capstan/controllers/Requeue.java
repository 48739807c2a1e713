package dev.capstan.controllers;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keys a controller wants reconciled again at a later time (client-go's {@code AddAfter}): a
 * CronJob at its next schedule, a Deployment when its progress deadline passes, a ReplicaSet when
 * a pod has been ready for {@code minReadySeconds}. Only an optimisation held in this server's
 * memory: the periodic resync reconciles every key anyway, so a lost entry only delays work.
 */
final class Requeue {

  private final Map<String, Instant> due = new HashMap<>();

  /** Asks for {@code key} again at {@code when} (the earliest of all such asks wins). */
  synchronized void after(String key, Instant when) {
    due.merge(key, when, (a, b) -> a.isBefore(b) ? a : b);
  }

  /** The keys due at {@code now}, forgotten as they are handed out. */
  synchronized List<String> due(Instant now) {
    List<String> keys = new ArrayList<>();
    due.entrySet().removeIf(entry -> {
      if (entry.getValue().isAfter(now)) {
        return false;
      }
      keys.add(entry.getKey());
      return true;
    });
    return keys;
  }
}
