package dev.capstan.agent.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capstan.agent.stats.ResourceStats.ContainerStats;
import dev.capstan.agent.stats.ResourceStats.Cpu;
import dev.capstan.agent.stats.ResourceStats.Memory;
import dev.capstan.agent.stats.ResourceStats.NodeStats;
import dev.capstan.agent.stats.ResourceStats.PodStats;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One sampling written as the kubelet writes {@code /stats/summary} and {@code /metrics/resource}. */
class ResourceFormatsTest {

  private static final Instant T = Instant.parse("2026-12-07T04:00:00.250Z");

  private static ResourceStats stats() {
    Cpu burner = new Cpu(T, 998_000_000L, 12_500_000_000L);
    Memory small = new Memory(T, null, 1_048_576, 524_288, 262_144, 100, 1);
    PodStats pod = new PodStats("burner", "default", "5f1c-uid", T.minusSeconds(60),
        List.of(new ContainerStats("main", T.minusSeconds(59), burner, small)),
        new Cpu(T, 998_100_000L, 12_510_000_000L), small);
    NodeStats node = new NodeStats("n1", T.minusSeconds(3600), new Cpu(T, null, 99_000_000_000L),
        new Memory(T, 6_000_000_000L, 3_000_000_000L, 2_000_000_000L, 1_000_000_000L, 0, 0));
    return new ResourceStats(node, List.of(pod), false);
  }

  @Test
  void theSummaryIsShapedAsTheKubeletsAndLeavesOutARateItDoesNotHave() throws Exception {
    JsonNode summary = new ObjectMapper().readTree(SummaryJson.of(stats()));
    JsonNode node = summary.get("node");
    assertThat(node.get("nodeName").asText()).isEqualTo("n1");
    assertThat(node.get("cpu").get("time").asText()).isEqualTo("2026-12-07T04:00:00Z");
    assertThat(node.get("cpu").has("usageNanoCores")).isFalse();
    assertThat(node.get("cpu").get("usageCoreNanoSeconds").asLong()).isEqualTo(99_000_000_000L);
    assertThat(node.get("memory").get("availableBytes").asLong()).isEqualTo(6_000_000_000L);
    assertThat(node.get("memory").get("workingSetBytes").asLong()).isEqualTo(2_000_000_000L);
    JsonNode pod = summary.get("pods").get(0);
    assertThat(pod.get("podRef").get("name").asText()).isEqualTo("burner");
    assertThat(pod.get("podRef").get("namespace").asText()).isEqualTo("default");
    assertThat(pod.get("podRef").get("uid").asText()).isEqualTo("5f1c-uid");
    assertThat(pod.get("cpu").get("usageNanoCores").asLong()).isEqualTo(998_100_000L);
    JsonNode container = pod.get("containers").get(0);
    assertThat(container.get("name").asText()).isEqualTo("main");
    assertThat(container.get("cpu").get("usageNanoCores").asLong()).isEqualTo(998_000_000L);
    assertThat(container.get("memory").get("workingSetBytes").asLong()).isEqualTo(524_288L);
    assertThat(container.get("memory").has("availableBytes")).isFalse();
  }

  @Test
  void cadvisorsNamesAndLabelsForTheMachineEachContainerAndThePodsSandbox() {
    Cpu burner = new Cpu(T, 998_000_000L, 12_500_000_000L);
    Memory small = new Memory(T, null, 1_048_576, 524_288, 262_144, 100, 1);
    ResourceStats.Interface eth0 = new ResourceStats.Interface("eth0", 1000, 10, 0, 0, 2000, 20,
        0, 0);
    ContainerStats main = new ContainerStats("main", T.minusSeconds(59), burner, small,
        new ResourceStats.Cgroup("/docker/abc", "capstan_main_burner", "busybox:1.36",
            67_108_864L, List.of()));
    ContainerStats sandbox = new ContainerStats("POD", T.minusSeconds(60), burner, small,
        new ResourceStats.Cgroup("/docker/def", "capstan_POD_burner", "pause:3.9", null,
            List.of(eth0)));
    PodStats pod = new PodStats("burner", "default", "5f1c-uid", T.minusSeconds(60),
        List.of(main), burner, small, sandbox);
    ResourceStats stats = new ResourceStats(stats().node(), List.of(pod), false);
    String text = CadvisorMetrics.of(stats);
    long millis = T.toEpochMilli();
    assertThat(text)
        .contains("# TYPE container_cpu_usage_seconds_total counter\n")
        .contains("container_cpu_usage_seconds_total{container=\"main\",cpu=\"total\","
            + "id=\"/docker/abc\",image=\"busybox:1.36\",name=\"capstan_main_burner\","
            + "namespace=\"default\",pod=\"burner\"} 12.5 " + millis + "\n")
        .contains("container_cpu_usage_seconds_total{container=\"\",cpu=\"total\",id=\"/\","
            + "image=\"\",name=\"\",namespace=\"\",pod=\"\"} 99.0 " + millis + "\n")
        .contains("container_memory_working_set_bytes{container=\"main\",id=\"/docker/abc\","
            + "image=\"busybox:1.36\",name=\"capstan_main_burner\",namespace=\"default\","
            + "pod=\"burner\"} 524288.0 " + millis + "\n")
        .contains("container_spec_memory_limit_bytes{container=\"main\"")
        .contains("pod=\"burner\"} 6.7108864E7 " + millis + "\n")
        .contains("container_spec_memory_limit_bytes{container=\"POD\",id=\"/docker/def\","
            + "image=\"pause:3.9\",name=\"capstan_POD_burner\",namespace=\"default\","
            + "pod=\"burner\"} 0.0 ")
        .contains("container_network_receive_bytes_total{container=\"POD\",id=\"/docker/def\","
            + "image=\"pause:3.9\",interface=\"eth0\",name=\"capstan_POD_burner\","
            + "namespace=\"default\",pod=\"burner\"} 1000.0 " + millis + "\n")
        .contains("container_network_transmit_bytes_total{container=\"POD\"")
        .contains("container_memory_usage_bytes{container=\"main\"");
    assertThat(text).doesNotContain("container_network_receive_bytes_total{container=\"main\"");
  }

  @Test
  void netDevGivesEachInterfaceButLoopback() {
    String netDev = """
        Inter-|   Receive                                                |  Transmit
         face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
            lo:     100       1    0    0    0     0          0         0      100       1    0    0    0     0       0          0
          eth0:    5000      50    1    2    0     0          0         0     7000      70    3    4    0     0       0          0
        """;
    assertThat(CgroupFiles.netDev(netDev)).containsExactly(
        new ResourceStats.Interface("eth0", 5000, 50, 1, 2, 7000, 70, 3, 4));
    assertThat(CgroupFiles.memoryLimit("9223372036854771712\n")).isNull();
    assertThat(CgroupFiles.memoryLimit("max\n")).isNull();
    assertThat(CgroupFiles.memoryLimit("67108864\n")).isEqualTo(67_108_864L);
  }

  @Test
  void theMetricsHaveTheKubeletsNamesLabelsAndTimestamps() {
    String text = ResourceMetrics.of(stats());
    long millis = T.toEpochMilli();
    assertThat(text)
        .contains("# TYPE container_cpu_usage_seconds_total counter\n")
        .contains("container_cpu_usage_seconds_total{container=\"main\",namespace=\"default\","
            + "pod=\"burner\"} 12.5 " + millis + "\n")
        .contains("# TYPE container_memory_working_set_bytes gauge\n")
        .contains("container_memory_working_set_bytes{container=\"main\",namespace=\"default\","
            + "pod=\"burner\"} 524288.0 " + millis + "\n")
        .contains("pod_cpu_usage_seconds_total{namespace=\"default\",pod=\"burner\"} 12.51 "
            + millis + "\n")
        .contains("pod_memory_working_set_bytes{namespace=\"default\",pod=\"burner\"} 524288.0 ")
        .contains("node_cpu_usage_seconds_total 99.0 " + millis + "\n")
        .contains("node_memory_working_set_bytes 2.0E9 " + millis + "\n")
        .contains("scrape_error 0.0\n");
  }
}
