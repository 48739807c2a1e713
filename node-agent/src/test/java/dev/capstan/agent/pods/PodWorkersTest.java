package dev.capstan.agent.pods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PodWorkersTest {

  private final Map<String, AtomicInteger> syncs = new ConcurrentHashMap<>();
  private final AtomicInteger concurrent = new AtomicInteger();
  private final AtomicInteger mostConcurrent = new AtomicInteger();

  private int count(String key) {
    return syncs.computeIfAbsent(key, k -> new AtomicInteger()).get();
  }

  @Test
  void aPodIsNeverSyncedTwiceAtOnceAndARequestDuringASyncRunsItOnceMoreAfter()
      throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (PodWorkers workers = new PodWorkers(null, null, null, (ns, name, wake) -> {
      int now = concurrent.incrementAndGet();
      mostConcurrent.accumulateAndGet(now, Math::max);
      syncs.computeIfAbsent(ns + "/" + name, k -> new AtomicInteger()).incrementAndGet();
      inside.countDown();
      try {
        release.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      concurrent.decrementAndGet();
      return Optional.empty();
    }, Clock.systemUTC(), 4)) {
      workers.enqueue("ns", "a");
      assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
      workers.enqueue("ns", "a");
      workers.enqueue("ns", "a");
      release.countDown();

      await().atMost(Duration.ofSeconds(5)).until(() -> count("ns/a") == 2);
      Thread.sleep(200);
      assertThat(count("ns/a")).as("two asks during one sync: one more sync").isEqualTo(2);
      assertThat(mostConcurrent).hasValue(1);
      await().atMost(Duration.ofSeconds(5)).until(() -> workers.size() == 0);
    }
  }

  @Test
  void aPodWaitingForItsWakeUpHoldsNoThreadAndOthersRunMeanwhile() {
    try (PodWorkers workers = new PodWorkers(null, null, null, (ns, name, wake) -> {
      syncs.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
      return name.startsWith("stopping")
          ? Optional.of(Instant.now().plusSeconds(40)) : Optional.empty();
    }, Clock.systemUTC(), 1)) {
      for (int i = 0; i < 12; i++) {
        workers.enqueue("ns", "stopping-" + i);
      }
      workers.enqueue("ns", "fresh");

      await().atMost(Duration.ofSeconds(2)).until(() -> count("fresh") == 1);
      assertThat(workers.size()).as("the 12 only wait for their wake-ups").isEqualTo(12);
    }
  }

  @Test
  void aWakeUpSyncsThePodAgainAtItsTime() {
    try (PodWorkers workers = new PodWorkers(null, null, null, (ns, name, wake) ->
        syncs.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet() == 1
            ? Optional.of(Instant.now().plusMillis(300)) : Optional.empty(),
        Clock.systemUTC(), 2)) {
      workers.enqueue("ns", "backoff");
      await().atMost(Duration.ofSeconds(3)).until(() -> count("backoff") == 2);
    }
  }
}
