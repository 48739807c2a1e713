package dev.capstan.agent.pods;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kubernetes' exponential back-off for restarting containers (and retrying image pulls): the
 * first restart is immediate, then each waits twice as long as the one before, from 10 s up to
 * 5 minutes, counted from when the container finished. A container that ran for 10 minutes
 * starts over.
 */
final class RestartBackoff {

  static final Duration INITIAL = Duration.ofSeconds(10);
  static final Duration MAX = Duration.ofMinutes(5);
  private static final Duration STABLE = Duration.ofMinutes(10);

  private record Entry(Duration delay, Instant lastRestart) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Clock clock;

  RestartBackoff(Clock clock) {
    this.clock = clock;
  }

  /**
   * When the thing under {@code key}, which last finished at {@code finishedAt} after running
   * since {@code startedAt}, may be restarted; empty when it may be now.
   */
  Optional<Instant> blockedUntil(String key, Instant startedAt, Instant finishedAt) {
    Entry entry = entries.get(key);
    if (entry == null) {
      return Optional.empty();
    }
    if (Duration.between(startedAt, finishedAt).compareTo(STABLE) >= 0) {
      entries.remove(key);
      return Optional.empty();
    }
    Instant until = finishedAt.plus(entry.delay());
    return clock.instant().isBefore(until) ? Optional.of(until) : Optional.empty();
  }

  /**
   * When the thing under {@code key} (an image pull) may be tried again, counting from its last
   * recorded failure; empty when it may be now.
   */
  Optional<Instant> blockedAfterLastTry(String key) {
    Entry entry = entries.get(key);
    if (entry == null) {
      return Optional.empty();
    }
    Instant until = entry.lastRestart().plus(entry.delay());
    return clock.instant().isBefore(until) ? Optional.of(until) : Optional.empty();
  }

  /** Forgets one key (a pull that succeeded). */
  void reset(String key) {
    entries.remove(key);
  }

  /** The delay the next failure will wait, as shown in the back-off message. */
  Duration currentDelay(String key) {
    Entry entry = entries.get(key);
    return entry == null ? INITIAL : entry.delay();
  }

  /** Records a restart: the next one waits longer. */
  void restarted(String key) {
    entries.compute(key, (k, entry) -> new Entry(entry == null ? INITIAL
        : min(entry.delay().multipliedBy(2), MAX), clock.instant()));
  }

  /** Forgets everything about keys that start with {@code prefix} (a pod that went away). */
  void forget(String prefix) {
    entries.keySet().removeIf(key -> key.startsWith(prefix));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
