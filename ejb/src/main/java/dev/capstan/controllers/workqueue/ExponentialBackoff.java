package dev.capstan.controllers.workqueue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-key exponential back-off, as client-go's {@code ItemExponentialFailureRateLimiter}: the
 * n-th failure in a row of a key waits {@code base * 2^(n-1)}, at most {@code max}; a success
 * ({@link #forget}) starts the key over. Not thread-safe: {@link WorkQueue} guards it.
 */
final class ExponentialBackoff {

  private final Duration base;
  private final Duration max;
  private final Map<Object, Integer> failures = new HashMap<>();

  ExponentialBackoff(Duration base, Duration max) {
    this.base = base;
    this.max = max;
  }

  /** Counts one more failure of {@code key} and says how long it should wait. */
  Duration next(Object key) {
    int exponent = failures.merge(key, 1, Integer::sum) - 1;
    // 2^exponent overflows long nanos long before 1000 s is reached: stop doubling at max
    if (exponent >= 62) {
      return max;
    }
    long nanos = base.toNanos();
    long factor = 1L << exponent;
    if (nanos > max.toNanos() / factor) {
      return max;
    }
    return Duration.ofNanos(nanos * factor);
  }

  /** How many failures in a row {@code key} has had. */
  int failures(Object key) {
    return failures.getOrDefault(key, 0);
  }

  void forget(Object key) {
    failures.remove(key);
  }

  void clear() {
    failures.clear();
  }
}
