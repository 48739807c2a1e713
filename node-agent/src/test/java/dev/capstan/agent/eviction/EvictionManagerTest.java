package dev.capstan.agent.eviction;

import static dev.capstan.agent.eviction.EvictionRankingTest.MI;
import static dev.capstan.agent.eviction.EvictionRankingTest.pod;
import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.stats.EvictionThresholds;
import dev.capstan.agent.stats.ResourceStats;
import dev.capstan.agent.stats.ResourceStats.NodeStats;
import dev.capstan.agent.stats.ResourceStats.PodStats;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The eviction manager's rounds: pressure from the measurements, one pod evicted per round in
 * the kubelet's order, none more until the last one is cleaned up, critical pods spared, and the
 * condition held for the transition period after the pressure ends.
 */
class EvictionManagerTest {

  private Instant now = Instant.parse("2026-12-07T07:00:00Z");
  private long available = 50 * MI;
  private final List<Pod> active = new ArrayList<>();
  private final List<String> evicted = new ArrayList<>();
  private final List<String> messages = new ArrayList<>();
  private final Set<String> cleaned = new HashSet<>();
  private final List<PodStats> podStats = new ArrayList<>();

  private final EvictionManager manager = new EvictionManager(
      EvictionThresholds.parse("memory.available<100Mi"), this::stats, null,
      new EvictionManager.Pods() {
        @Override
        public List<Pod> active() {
          return List.copyOf(active);
        }

        @Override
        public void evict(Pod pod, long graceSeconds, String message) {
          assertThat(graceSeconds).isEqualTo(1);
          evicted.add(pod.getMetadata().getName());
          messages.add(message);
          active.remove(pod);
        }

        @Override
        public boolean cleanedUp(String uid) {
          return cleaned.contains(uid);
        }
      },
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now;
        }
      }, Duration.ofSeconds(30));

  private Optional<ResourceStats> stats() {
    ResourceStats.Memory memory = new ResourceStats.Memory(now, available, 0, 8192 * MI, 0, 0,
        0);
    return Optional.of(new ResourceStats(new NodeStats("n", now, null, memory),
        List.copyOf(podStats), false));
  }

  private void running(Pod pod, long workingSet) {
    active.add(pod);
    podStats.add(EvictionRankingTest.stats(java.util.Map.of(pod, workingSet)).values()
        .iterator().next());
  }

  @Test
  void evictsOnePodPerRoundAndWaitsForItsCleanup() {
    Pod guaranteed = pod("guaranteed", "64Mi", "64Mi", null);
    Pod bestEffort = pod("best-effort", null, null, null);
    Pod burstable = pod("burstable", "10Mi", null, null);
    running(guaranteed, 60 * MI);
    running(bestEffort, 20 * MI);
    running(burstable, 15 * MI);

    assertThat(manager.synchronize()).map(p -> p.getMetadata().getName())
        .contains("best-effort");
    assertThat(manager.pressure().memory()).isTrue();
    assertThat(messages.get(0)).isEqualTo("The node was low on resource: memory. Threshold"
        + " quantity: 100Mi, available: 50Mi. Container main was using 20Mi, request is 0, has"
        + " larger consumption of memory. ");
    // not cleaned up yet: no one else
    now = now.plusSeconds(10);
    assertThat(manager.synchronize()).isEmpty();
    // cleaned up, but the sampling is from before it: still no one
    cleaned.add("uid-best-effort");
    podStats.removeIf(p -> p.name().equals("best-effort"));
    Instant sampledBefore = now;
    now = now.plusSeconds(1);
    assertThat(manager.synchronize()).isEmpty();
    // a sampling after the cleanup, still short: the next in line
    now = now.plusSeconds(10);
    assertThat(sampledBefore).isBefore(now);
    assertThat(manager.synchronize()).map(p -> p.getMetadata().getName())
        .contains("burstable");
    assertThat(evicted).containsExactly("best-effort", "burstable");
  }

  @Test
  void theConditionHoldsForTheTransitionPeriodAndNoOneIsEvictedWithoutPressure() {
    Pod bestEffort = pod("best-effort", null, null, null);
    running(bestEffort, 20 * MI);
    available = 500 * MI;
    assertThat(manager.synchronize()).isEmpty();
    assertThat(manager.pressure().memory()).isFalse();
    available = 99 * MI;
    assertThat(manager.synchronize()).isPresent();
    available = 500 * MI;
    now = now.plusSeconds(29);
    assertThat(manager.synchronize()).isEmpty();
    assertThat(manager.pressure().memory()).as("within the transition period").isTrue();
    now = now.plusSeconds(2);
    manager.synchronize();
    assertThat(manager.pressure().memory()).isFalse();
  }

  @Test
  void criticalAndStaticPodsAreNeverEvicted() {
    Pod critical = pod("critical", null, null, 2_000_001_000);
    Pod staticPod = new PodBuilder(pod("static", null, null, null)).editMetadata()
        .addToAnnotations("kubernetes.io/config.mirror", "abc").endMetadata().build();
    running(critical, 300 * MI);
    running(staticPod, 300 * MI);
    assertThat(manager.synchronize()).isEmpty();
    assertThat(manager.pressure().memory()).isTrue();
    Pod ordinary = pod("ordinary", "1Gi", "1Gi", null);
    running(ordinary, MI);
    assertThat(manager.synchronize()).map(p -> p.getMetadata().getName()).contains("ordinary");
  }
}
