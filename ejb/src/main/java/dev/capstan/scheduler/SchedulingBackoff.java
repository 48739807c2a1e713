package dev.capstan.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * When an unschedulable pod is tried again, by uid, as kube-scheduler's back-off queue: the
 * first failure waits {@code initial}, each further one twice as long, at most {@code max}; a
 * bound pod is forgotten, and so is every pod no longer pending ({@link #retainOnly}), so pods
 * deleted while unschedulable leave nothing behind. Not thread-safe: one scheduling cycle at a
 * time uses it.
 */
final class SchedulingBackoff {

  private record Entry(Duration delay, Instant retryAt) {}

  private final Duration initial;
  private final Duration max;
  private final Map<String, Entry> entries = new HashMap<>();

  SchedulingBackoff(Duration initial, Duration max) {
    this.initial = initial;
    this.max = max;
  }

  /** Whether the pod may be tried at {@code now} (always, unless it is backing off). */
  boolean due(String uid, Instant now) {
    Entry entry = entries.get(uid);
    return entry == null || !entry.retryAt().isAfter(now);
  }

  /**
   * The pod did not fit at {@code now}.
   *
   * @return how long it waits before the next try
   */
  Duration failed(String uid, Instant now) {
    Entry previous = entries.get(uid);
    Duration delay = previous == null ? initial
        : previous.delay().multipliedBy(2).compareTo(max) > 0 ? max
        : previous.delay().multipliedBy(2);
    entries.put(uid, new Entry(delay, now.plus(delay)));
    return delay;
  }

  /** The pod was bound (or is gone): nothing to remember. */
  void forget(String uid) {
    entries.remove(uid);
  }

  /** Keeps only the pods still pending: the others were bound elsewhere or deleted. */
  void retainOnly(Collection<String> pendingUids) {
    entries.keySet().retainAll(pendingUids);
  }

  int size() {
    return entries.size();
  }
}
