package dev.capstan.controllers.workqueue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * A controller's work queue, shaped like client-go's {@code util/workqueue} rate-limited
 * delaying queue:
 *
 * <ul>
 *   <li><b>Fair and stingy</b>: keys come out in the order they were added, and a key added many
 *       times before a worker takes it comes out once ({@code dirty}).
 *   <li><b>One worker per key</b>: a key handed out ({@link #poll}) is {@code processing} until
 *       {@link #done}; adding it meanwhile only marks it dirty, and {@code done} puts it back, so
 *       two workers never reconcile the same key at once and no change is missed.
 *   <li><b>Delays</b>: {@link #addAfter} holds a key until its time (the earliest asked wins);
 *       {@link #addRateLimited} delays by the key's exponential back-off (5 ms doubling to
 *       1000 s by default), which {@link #forget} resets after a success.
 *   <li><b>Resyncs wait behind changes</b>: keys of a periodic resync ({@link #addResync}) go to
 *       a lane of their own that is handed out only when no other key is ready, so a change
 *       never waits behind a resync of every object; a resync key asked for again by a change
 *       moves ahead to the ordinary lane. So that a queue busy with changes still resyncs, every
 *       tenth key handed out is a waiting resync key. (client-go's queue has one lane: its
 *       controllers resync every few hours, where a Capstan controller's safety-net resync comes
 *       every 30 s.)
 * </ul>
 *
 * <p>It has no thread of its own and never blocks: {@link #poll} answers at once, and
 * {@link #nextDelayedAt} tells the owner when to look again for delayed keys. Thread-safe.
 *
 * <pre>
 *  add ──▶ dirty? ─no─▶ dirty += key ─▶ processing? ─no─▶ queue ──poll──▶ processing
 *            │yes                          │yes                              │
 *            ▼                             ▼                                done
 *          (nothing)                 (waits for done) ◀── dirty? re-queue ◀──┘
 *  addAfter / addRateLimited ──▶ waiting (by time) ──time passed──▶ add
 * </pre>
 */
public final class WorkQueue<K> {

  public static final Duration BASE_DELAY = Duration.ofMillis(5);
  public static final Duration MAX_DELAY = Duration.ofSeconds(1000);
  /** One turn in this many goes to a waiting resync key, so a busy queue still resyncs. */
  static final int RESYNC_SHARE = 10;

  private final Clock clock;
  private final ExponentialBackoff backoff;
  private final ArrayDeque<K> queue = new ArrayDeque<>();
  /** The resync lane, in order; a key counts only while in {@code resyncing} (else stale). */
  private final ArrayDeque<K> resyncQueue = new ArrayDeque<>();
  private final Set<K> resyncing = new java.util.HashSet<>();
  /** When each key in a lane was put there: how long it waited, for the metrics. */
  private final Map<K, Instant> queuedAt = new HashMap<>();
  /** Keys of changes handed out since the last resync key. */
  private int changesInARow;

  /** A key handed out, and how long it waited in its lane. */
  public record Taken<K>(K key, Duration waited) {}
  private final Set<K> dirty = new LinkedHashSet<>();
  private final Set<K> processing = new LinkedHashSet<>();
  private final Map<K, Instant> waiting = new HashMap<>();
  private final PriorityQueue<Delayed<K>> waitingByTime =
      new PriorityQueue<>((a, b) -> a.readyAt().compareTo(b.readyAt()));

  private record Delayed<K>(Instant readyAt, K key) {}

  public WorkQueue(Clock clock) {
    this(clock, BASE_DELAY, MAX_DELAY);
  }

  public WorkQueue(Clock clock, Duration baseDelay, Duration maxDelay) {
    this.clock = clock;
    this.backoff = new ExponentialBackoff(baseDelay, maxDelay);
  }

  /** Asks for {@code key} to be processed (once, however often it is asked before then). */
  public synchronized void add(K key) {
    if (!dirty.add(key)) {
      if (resyncing.remove(key) && !processing.contains(key)) {
        enqueue(queue, key); // a change overtakes the resync that asked for it first
      }
      return;
    }
    if (!processing.contains(key)) {
      enqueue(queue, key);
    }
  }

  /**
   * Asks for {@code key} as part of a periodic resync: handed out after every key added
   * otherwise, unless a change asks for it meanwhile.
   */
  public synchronized void addResync(K key) {
    if (!dirty.add(key)) {
      return;
    }
    resyncing.add(key);
    if (!processing.contains(key)) {
      enqueue(resyncQueue, key);
    }
  }

  /** Asks for {@code key} after {@code delay} (at once when it is not positive). */
  public synchronized void addAfter(K key, Duration delay) {
    if (delay.isNegative() || delay.isZero()) {
      add(key);
      return;
    }
    Instant readyAt = clock.instant().plus(delay);
    Instant already = waiting.get(key);
    if (already != null && !readyAt.isBefore(already)) {
      return;
    }
    waiting.put(key, readyAt);
    waitingByTime.add(new Delayed<>(readyAt, key));
  }

  /**
   * Asks for {@code key} again after its back-off: one more failure in a row.
   *
   * @return the delay it waits
   */
  public synchronized Duration addRateLimited(K key) {
    Duration delay = backoff.next(key);
    addAfter(key, delay);
    return delay;
  }

  /** The key succeeded: its next failure starts the back-off over. */
  public synchronized void forget(K key) {
    backoff.forget(key);
  }

  /** How many times in a row {@code key} has been requeued for failing. */
  public synchronized int numRequeues(K key) {
    return backoff.failures(key);
  }

  /**
   * The next key to process, now marked processing until {@link #done}; empty when no key is
   * ready.
   */
  public synchronized Optional<K> poll() {
    return take().map(Taken::key);
  }

  /** As {@link #poll}, with how long the key waited since it was queued. */
  public synchronized Optional<Taken<K>> take() {
    promoteDue();
    // changes first, but not always: a waiting resync key gets every RESYNC_SHARE-th turn
    K key = changesInARow < RESYNC_SHARE - 1 ? queue.pollFirst() : null;
    if (key != null) {
      changesInARow++;
    } else {
      key = pollResync();
      if (key != null) {
        changesInARow = 0;
      } else {
        key = queue.pollFirst();
      }
    }
    if (key == null) {
      return Optional.empty();
    }
    processing.add(key);
    dirty.remove(key);
    Instant queued = queuedAt.remove(key);
    return Optional.of(new Taken<>(key, queued == null ? Duration.ZERO
        : Duration.between(queued, clock.instant())));
  }

  /** The worker is finished with {@code key}; if it was added meanwhile it is queued again. */
  public synchronized void done(K key) {
    processing.remove(key);
    if (resyncing.contains(key)) {
      enqueue(resyncQueue, key);
    } else if (dirty.contains(key)) {
      enqueue(queue, key);
    }
  }

  /** How many keys are ready to be handed out now. */
  public synchronized int ready() {
    promoteDue();
    // keys asked for by a resync while being processed are queued again only when done
    return queue.size() + resyncing.size()
        - (int) processing.stream().filter(resyncing::contains).count();
  }

  /** When the earliest delayed key becomes ready, if any key waits. */
  public synchronized Optional<Instant> nextDelayedAt() {
    dropStale();
    Delayed<K> first = waitingByTime.peek();
    return first == null ? Optional.empty() : Optional.of(first.readyAt());
  }

  /** Whether {@code key} is being processed now. */
  public synchronized boolean isProcessing(K key) {
    return processing.contains(key);
  }

  /**
   * Forgets every queued and delayed key and every back-off (the leader lost its lease); keys
   * being processed finish, and are not queued again unless added anew.
   */
  public synchronized void clear() {
    queue.clear();
    resyncQueue.clear();
    resyncing.clear();
    queuedAt.clear();
    dirty.clear();
    waiting.clear();
    waitingByTime.clear();
    backoff.clear();
  }

  /** The first resync key that is still asked for and not being processed. */
  private K pollResync() {
    while (!resyncQueue.isEmpty()) {
      K resync = resyncQueue.pollFirst();
      if (!processing.contains(resync) && resyncing.remove(resync)) {
        return resync;
      }
    }
    return null;
  }

  private void enqueue(ArrayDeque<K> lane, K key) {
    lane.addLast(key);
    queuedAt.putIfAbsent(key, clock.instant());
  }

  private void promoteDue() {
    Instant now = clock.instant();
    dropStale();
    while (!waitingByTime.isEmpty() && !waitingByTime.peek().readyAt().isAfter(now)) {
      Delayed<K> due = waitingByTime.poll();
      waiting.remove(due.key());
      add(due.key());
      dropStale();
    }
  }

  /** Drops heap entries superseded by an earlier time for the same key. */
  private void dropStale() {
    while (!waitingByTime.isEmpty()) {
      Delayed<K> first = waitingByTime.peek();
      if (first.readyAt().equals(waiting.get(first.key()))) {
        return;
      }
      waitingByTime.poll();
    }
  }
}
