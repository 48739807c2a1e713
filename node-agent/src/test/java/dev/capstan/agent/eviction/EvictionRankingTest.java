package dev.capstan.agent.eviction;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.stats.EvictionThresholds;
import dev.capstan.agent.stats.EvictionThresholds.Observation;
import dev.capstan.agent.stats.EvictionThresholds.Signal;
import dev.capstan.agent.stats.Quantities;
import dev.capstan.agent.stats.ResourceStats;
import dev.capstan.agent.stats.ResourceStats.ContainerStats;
import dev.capstan.agent.stats.ResourceStats.PodStats;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The kubelet's eviction order (rankMemoryPressure: usage over requests, then priority, then
 * usage above requests) and its eviction message, word for word.
 */
class EvictionRankingTest {

  static final long MI = 1L << 20;
  static final Instant NOW = Instant.parse("2026-12-07T07:00:00Z");

  @Test
  void bestEffortBeforeBurstableOverItsRequestBeforeGuaranteed() {
    Pod guaranteed = pod("guaranteed", "64Mi", "64Mi", null);
    Pod bestEffort = pod("best-effort", null, null, null);
    Pod burstableUnder = pod("burstable-under", "200Mi", null, null);
    Pod burstableOver = pod("burstable-over", "10Mi", null, null);
    Map<String, PodStats> stats = stats(Map.of(guaranteed, 60 * MI, bestEffort, 5 * MI,
        burstableUnder, 150 * MI, burstableOver, 30 * MI));
    assertThat(names(EvictionRanking.rank(Signal.MEMORY,
        List.of(guaranteed, burstableUnder, burstableOver, bestEffort), stats)))
        // over their requests: best-effort (5Mi above 0) and burstable-over (20Mi above 10Mi),
        // the larger excess first; then those under, the less under first
        .containsExactly("burstable-over", "best-effort", "guaranteed", "burstable-under");
  }

  @Test
  void priorityComesBeforeTheAmountAboveRequests() {
    Pod important = pod("important", null, null, 1000);
    Pod ordinary = pod("ordinary", null, null, null);
    Map<String, PodStats> stats = stats(Map.of(important, 500 * MI, ordinary, 1 * MI));
    assertThat(names(EvictionRanking.rank(Signal.MEMORY, List.of(important, ordinary), stats)))
        .containsExactly("ordinary", "important");
    // but exceeding requests comes before priority
    Pod lowUnder = pod("low-under", "100Mi", null, -10);
    assertThat(names(EvictionRanking.rank(Signal.MEMORY, List.of(lowUnder, important),
        stats(Map.of(lowUnder, 10 * MI, important, 500 * MI)))))
        .containsExactly("important", "low-under");
  }

  @Test
  void podsWithoutFiguresComeFirstAsTheKubeletsDo() {
    Pod measured = pod("measured", null, null, null);
    Pod unmeasured = pod("unmeasured", "1Gi", "1Gi", 100);
    assertThat(names(EvictionRanking.rank(Signal.MEMORY, List.of(measured, unmeasured),
        stats(Map.of(measured, 300 * MI))))).containsExactly("unmeasured", "measured");
  }

  @Test
  void underDiskPressureTheOrderIsByPriority() {
    Pod high = pod("high", null, null, 10);
    Pod low = pod("low", "1Gi", "1Gi", 1);
    assertThat(names(EvictionRanking.rank(Signal.NODEFS, List.of(high, low),
        stats(Map.of(high, 300 * MI, low, MI))))).containsExactly("low", "high");
  }

  @Test
  void aPodsRequestIsItsContainersOrItsLargestInitContainersWithOverhead() {
    Pod pod = new PodBuilder(pod("init", "100Mi", null, null)).editSpec()
        .addToContainers(new ContainerBuilder().withName("second").withNewResources()
            .addToLimits("memory", new Quantity("50Mi")).endResources().build())
        .addToInitContainers(new ContainerBuilder().withName("setup").withNewResources()
            .addToRequests("memory", new Quantity("300Mi")).endResources().build())
        .addToOverhead("memory", new Quantity("10Mi"))
        .endSpec().build();
    assertThat(EvictionRanking.request(pod, "memory")).isEqualTo(310 * MI);
    Pod sidecar = new PodBuilder(pod("sidecar", "100Mi", null, null)).editSpec()
        .addToInitContainers(new ContainerBuilder().withName("proxy").withRestartPolicy("Always")
            .withNewResources().addToRequests("memory", new Quantity("20Mi")).endResources()
            .build())
        .endSpec().build();
    assertThat(EvictionRanking.request(sidecar, "memory")).isEqualTo(120 * MI);
  }

  @Test
  void theMessageIsTheKubelets() {
    Pod hog = new PodBuilder(pod("hog", null, null, null)).editSpec()
        .addToContainers(new ContainerBuilder().withName("quiet").withNewResources()
            .addToRequests("memory", new Quantity("64Mi")).endResources().build())
        .endSpec().build();
    PodStats stats = new PodStats("hog", "default", "uid-hog", NOW, List.of(
        container("main", 50 * MI), container("quiet", 10 * MI)), null,
        memory(60 * MI));
    Observation low = new Observation(Signal.MEMORY, 90 * MI, 8192 * MI, NOW);
    EvictionThresholds thresholds = EvictionThresholds.parse("memory.available<100Mi");
    assertThat(EvictionMessage.of(low, thresholds.quantity(low), hog, stats)).isEqualTo(
        "The node was low on resource: memory. Threshold quantity: 100Mi, available: 90Mi. "
            + "Container main was using 50Mi, request is 0, has larger consumption of memory. ");
    Pod over = pod("over", "10Mi", null, null);
    PodStats overStats = new PodStats("over", "default", "uid-over", NOW,
        List.of(container("main", 12345 * 1024)), null, memory(12345 * 1024));
    Observation percent = new Observation(Signal.MEMORY, 1000 * MI + 4096, 2048 * MI, NOW);
    assertThat(EvictionMessage.of(percent, EvictionThresholds.parse("memory.available<50%")
        .quantity(percent), over, overStats)).isEqualTo(
        "The node was low on resource: memory. Threshold quantity: 1Gi, available: 1024004Ki. "
            + "Container main was using 12345Ki, request is 10Mi, has larger consumption of"
            + " memory. ");
    Observation disk = new Observation(Signal.NODEFS, 5L << 30, 100L << 30, NOW);
    assertThat(EvictionMessage.of(disk, EvictionThresholds.parse("nodefs.available<10%")
        .quantity(disk), over, overStats)).isEqualTo("The node was low on resource:"
        + " ephemeral-storage. Threshold quantity: 10Gi, available: 5Gi. ");
  }

  @Test
  void quantitiesAsKubernetesWritesBinaryOnes() {
    assertThat(Quantities.binary(0)).isEqualTo("0");
    assertThat(Quantities.binary(1000)).isEqualTo("1000");
    assertThat(Quantities.binary(1536)).isEqualTo("1536");
    assertThat(Quantities.binary(2048)).isEqualTo("2Ki");
    assertThat(Quantities.binary(100 * MI)).isEqualTo("100Mi");
    assertThat(Quantities.binary(3L << 30)).isEqualTo("3Gi");
    assertThat(Quantities.binary(100 * MI + 1)).isEqualTo("104857601");
  }

  static Pod pod(String name, String request, String limit, Integer priority) {
    ContainerBuilder main = new ContainerBuilder().withName("main").withImage("busybox");
    if (request != null || limit != null) {
      var resources = main.withNewResources();
      if (request != null) {
        resources.addToRequests("memory", new Quantity(request));
      }
      if (limit != null) {
        resources.addToLimits("memory", new Quantity(limit));
      }
      resources.endResources();
    }
    return new PodBuilder().withNewMetadata().withName(name).withNamespace("default")
        .withUid("uid-" + name).endMetadata()
        .withNewSpec().withPriority(priority).withContainers(main.build()).endSpec().build();
  }

  static Map<String, PodStats> stats(Map<Pod, Long> workingSets) {
    Map<String, PodStats> stats = new HashMap<>();
    workingSets.forEach((pod, bytes) -> stats.put(pod.getMetadata().getUid(), new PodStats(
        pod.getMetadata().getName(), "default", pod.getMetadata().getUid(), NOW,
        List.of(container("main", bytes)), null, memory(bytes))));
    return stats;
  }

  static ContainerStats container(String name, long workingSet) {
    return new ContainerStats(name, NOW, null, memory(workingSet));
  }

  static ResourceStats.Memory memory(long workingSet) {
    return new ResourceStats.Memory(NOW, null, workingSet, workingSet, workingSet, 0, 0);
  }

  static List<String> names(List<Pod> pods) {
    return pods.stream().map(p -> p.getMetadata().getName()).toList();
  }

}
