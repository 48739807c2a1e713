package dev.capstan.controllers.workqueue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkQueueTest {

  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    private Instant now = Instant.parse("2026-12-06T04:00:00Z");

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private final ManualClock clock = new ManualClock();
  private final WorkQueue<String> queue = new WorkQueue<>(clock);

  @Test
  void aKeyAddedManyTimesBeforeItIsTakenComesOutOnceInOrder() {
    queue.add("ns/a");
    queue.add("ns/b");
    queue.add("ns/a");

    assertThat(queue.poll()).contains("ns/a");
    assertThat(queue.poll()).contains("ns/b");
    assertThat(queue.poll()).isEmpty();
  }

  @Test
  void aKeyAddedWhileProcessingIsHandedOutAgainOnlyAfterDone() {
    queue.add("ns/a");
    assertThat(queue.poll()).contains("ns/a");

    queue.add("ns/a");
    queue.add("ns/a");
    assertThat(queue.poll()).as("never to a second worker while the first has it").isEmpty();

    queue.done("ns/a");
    assertThat(queue.poll()).as("the change that came meanwhile is not lost").contains("ns/a");
    queue.done("ns/a");
    assertThat(queue.poll()).isEmpty();
  }

  @Test
  void aChangeIsHandedOutBeforeEveryKeyOfAResyncQueuedEarlier() {
    for (int i = 0; i < 1000; i++) {
      queue.addResync("ns/old-" + i);
    }
    queue.add("ns/changed");

    assertThat(queue.ready()).isEqualTo(1001);
    assertThat(queue.poll()).contains("ns/changed");
    assertThat(queue.poll()).contains("ns/old-0");
    assertThat(queue.poll()).contains("ns/old-1");
  }

  @Test
  void aQueueBusyWithChangesStillGivesEveryTenthTurnToAResync() {
    queue.addResync("ns/old-0");
    queue.addResync("ns/old-1");
    for (int i = 0; i < 30; i++) {
      queue.add("ns/new-" + i);
    }

    List<String> order = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      String key = queue.poll().orElseThrow();
      order.add(key);
      queue.done(key);
    }
    assertThat(order.indexOf("ns/old-0")).isEqualTo(WorkQueue.RESYNC_SHARE - 1);
    assertThat(order.indexOf("ns/old-1")).isEqualTo(2 * WorkQueue.RESYNC_SHARE - 1);
    assertThat(order).hasSize(32).doesNotHaveDuplicates();
  }

  @Test
  void aResyncKeyAskedForByAChangeMovesAheadAndComesOutOnce() {
    queue.addResync("ns/a");
    queue.addResync("ns/b");
    queue.add("ns/b");
    queue.addResync("ns/b");

    assertThat(queue.poll()).contains("ns/b");
    assertThat(queue.poll()).contains("ns/a");
    assertThat(queue.poll()).isEmpty();
    assertThat(queue.ready()).isZero();
  }

  @Test
  void aResyncOfAKeyBeingProcessedWaitsForDoneAndStillYieldsToChanges() {
    queue.add("ns/a");
    assertThat(queue.poll()).contains("ns/a");
    queue.addResync("ns/a");
    assertThat(queue.ready()).isZero();
    assertThat(queue.poll()).as("never to a second worker").isEmpty();

    queue.done("ns/a");
    queue.add("ns/b");
    assertThat(queue.poll()).contains("ns/b");
    assertThat(queue.poll()).contains("ns/a");
    queue.done("ns/a");
    assertThat(queue.poll()).isEmpty();
  }

  @Test
  void aStaleResyncEntryOfAKeyBeingProcessedIsNotHandedOutTwice() {
    queue.addResync("ns/a");
    queue.add("ns/a"); // moves ahead, leaving its resync entry behind
    assertThat(queue.poll()).contains("ns/a");
    queue.addResync("ns/a"); // asked again while processing

    assertThat(queue.poll()).as("the stale entry must not give it to a second worker")
        .isEmpty();
    queue.done("ns/a");
    assertThat(queue.poll()).contains("ns/a");
    queue.done("ns/a");
    assertThat(queue.poll()).isEmpty();
  }

  @Test
  void clearingDropsTheResyncLaneToo() {
    queue.addResync("ns/a");
    queue.clear();
    assertThat(queue.poll()).isEmpty();
    queue.addResync("ns/a");
    assertThat(queue.poll()).contains("ns/a");
  }

  @Test
  void failuresBackOffFromFiveMillisecondsDoublingUpToAThousandSeconds() {
    List<Duration> delays = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      delays.add(queue.addRateLimited("ns/a"));
    }
    assertThat(delays.subList(0, 4)).containsExactly(Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(20), Duration.ofMillis(40));
    assertThat(delays.get(17)).isEqualTo(Duration.ofMillis(5L << 17));
    assertThat(delays.get(18)).as("5 ms * 2^18 is over 1000 s").isEqualTo(Duration.ofSeconds(1000));
    assertThat(delays.get(29)).isEqualTo(Duration.ofSeconds(1000));
    assertThat(queue.numRequeues("ns/a")).isEqualTo(30);
    assertThat(queue.numRequeues("ns/b")).isZero();

    queue.forget("ns/a");
    assertThat(queue.numRequeues("ns/a")).isZero();
    assertThat(queue.addRateLimited("ns/a")).as("a success starts over").isEqualTo(Duration.ofMillis(5));
  }

  @Test
  void aFailedKeyComesBackWhenItsBackOffHasPassed() {
    queue.add("ns/a");
    String key = queue.poll().orElseThrow();
    queue.addRateLimited(key);
    queue.done(key);
    assertThat(queue.poll()).isEmpty();
    assertThat(queue.nextDelayedAt()).contains(clock.instant().plusMillis(5));

    clock.advance(Duration.ofMillis(4));
    assertThat(queue.poll()).isEmpty();
    clock.advance(Duration.ofMillis(1));
    assertThat(queue.poll()).contains("ns/a");
    assertThat(queue.nextDelayedAt()).isEmpty();
  }

  @Test
  void aDelayedKeyAskedAgainEarlierComesAtTheEarlierTimeAndOnce() {
    queue.addAfter("ns/a", Duration.ofSeconds(10));
    queue.addAfter("ns/a", Duration.ofSeconds(5));
    queue.addAfter("ns/a", Duration.ofSeconds(7));
    queue.addAfter("ns/b", Duration.ofSeconds(20));
    assertThat(queue.nextDelayedAt()).contains(clock.instant().plusSeconds(5));

    clock.advance(Duration.ofSeconds(5));
    assertThat(queue.poll()).contains("ns/a");
    queue.done("ns/a");
    clock.advance(Duration.ofSeconds(5));
    assertThat(queue.poll()).as("the superseded later time does not fire").isEmpty();
    assertThat(queue.nextDelayedAt()).contains(clock.instant().plusSeconds(10));
    clock.advance(Duration.ofSeconds(10));
    assertThat(queue.poll()).contains("ns/b");
  }

  @Test
  void aDelayedKeyThatIsAddedMeanwhileIsHandedOutOnce() {
    queue.addAfter("ns/a", Duration.ofMillis(5));
    queue.add("ns/a");
    clock.advance(Duration.ofMillis(5));

    assertThat(queue.poll()).contains("ns/a");
    assertThat(queue.poll()).isEmpty();
  }

  @Test
  void addAfterWithoutDelayIsAnAdd() {
    queue.addAfter("ns/a", Duration.ZERO);
    queue.addAfter("ns/b", Duration.ofMillis(-3));
    assertThat(queue.ready()).isEqualTo(2);
  }

  @Test
  void clearingDropsQueuedAndDelayedKeysAndBackOffsButLetsProcessingFinish() {
    queue.add("ns/a");
    queue.add("ns/b");
    queue.addRateLimited("ns/c");
    String taken = queue.poll().orElseThrow();
    queue.add(taken);

    queue.clear();
    assertThat(queue.isProcessing(taken)).isTrue();
    queue.done(taken);
    clock.advance(Duration.ofSeconds(1));
    assertThat(queue.poll()).isEmpty();
    assertThat(queue.nextDelayedAt()).isEmpty();
    assertThat(queue.numRequeues("ns/c")).isZero();
  }

  @Test
  void workersRunningAtOnceNeverHoldTheSameKeyTogether() throws InterruptedException {
    WorkQueue<String> shared = new WorkQueue<>(Clock.systemUTC());
    Set<String> held = ConcurrentHashMap.newKeySet();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger processed = new AtomicInteger();
    ExecutorService workers = Executors.newFixedThreadPool(4);
    CountDownLatch finished = new CountDownLatch(4);
    for (int w = 0; w < 4; w++) {
      workers.execute(() -> {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        while (System.nanoTime() < end) {
          shared.add("ns/" + (processed.get() % 3));
          Optional<String> key = shared.poll();
          if (key.isEmpty()) {
            continue;
          }
          if (!held.add(key.get())) {
            overlaps.incrementAndGet();
          }
          processed.incrementAndGet();
          held.remove(key.get());
          shared.done(key.get());
        }
        finished.countDown();
      });
    }
    assertThat(finished.await(10, TimeUnit.SECONDS)).isTrue();
    workers.shutdownNow();
    assertThat(processed.get()).isPositive();
    assertThat(overlaps.get()).isZero();
  }
}
