package dev.capstan.agent.stats;

import dev.capstan.agent.stats.ResourceStats.Cgroup;
import dev.capstan.agent.stats.ResourceStats.ContainerStats;
import dev.capstan.agent.stats.ResourceStats.Cpu;
import dev.capstan.agent.stats.ResourceStats.Interface;
import dev.capstan.agent.stats.ResourceStats.Memory;
import dev.capstan.agent.stats.ResourceStats.PodStats;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The kubelet's {@code /metrics/cadvisor} in Prometheus text format: cAdvisor's metric names and
 * help texts, and the labels the kubelet's cAdvisor gives every series: {@code container} (the
 * container's name; {@code POD} for the sandbox, as with Docker; empty for the machine),
 * {@code id} (the cgroup, {@code /} for the machine), {@code image}, {@code name} (the engine's
 * container name), {@code namespace} and {@code pod}; plus {@code cpu="total"} on CPU (per-CPU
 * usage is off by default in cAdvisor) and {@code interface} on network series, which the
 * sandbox carries for the pod (its network namespace is the pod's). Each sample carries its
 * sampling's time, as cAdvisor's.
 *
 * <p>What the agent measures is served: CPU, memory usage, working set and RSS, the memory
 * limit (0 without one, as cAdvisor), start time, and the pod's network counters. Filesystem
 * usage ({@code container_fs_*}) is not measured, so not served; nor are the pod-level cgroups
 * ({@code id="/kubepods/..."}), which Docker's containers here are not placed under.
 *
 * <p>Written with the same Prometheus model and text writer as {@link ResourceMetrics}.
 */
public final class CadvisorMetrics {

  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;
  private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

  private CadvisorMetrics() {}

  /** One series' owner: its labels and figures. */
  private record Series(Labels labels, Cpu cpu, Memory memory, Long limit, Long startSeconds,
      List<Interface> network) {}

  private record NetworkCounter(String name, String help, ToLongFunction<Interface> value) {}

  private static final List<NetworkCounter> NETWORK = List.of(
      new NetworkCounter("container_network_receive_bytes",
          "Cumulative count of bytes received", Interface::rxBytes),
      new NetworkCounter("container_network_receive_packets",
          "Cumulative count of packets received", Interface::rxPackets),
      new NetworkCounter("container_network_receive_errors",
          "Cumulative count of errors encountered while receiving", Interface::rxErrors),
      new NetworkCounter("container_network_receive_packets_dropped",
          "Cumulative count of packets dropped while receiving", Interface::rxDropped),
      new NetworkCounter("container_network_transmit_bytes",
          "Cumulative count of bytes transmitted", Interface::txBytes),
      new NetworkCounter("container_network_transmit_packets",
          "Cumulative count of packets transmitted", Interface::txPackets),
      new NetworkCounter("container_network_transmit_errors",
          "Cumulative count of errors encountered while transmitting", Interface::txErrors),
      new NetworkCounter("container_network_transmit_packets_dropped",
          "Cumulative count of packets dropped while transmitting", Interface::txDropped));

  public static String of(ResourceStats stats) {
    List<Series> series = new ArrayList<>();
    series.add(new Series(labels("", "/", "", "", "", ""), stats.node().cpu(),
        stats.node().memory(), null, stats.node().startTime().getEpochSecond(), List.of()));
    for (PodStats pod : stats.pods()) {
      List<ContainerStats> all = new ArrayList<>();
      if (pod.sandbox() != null) {
        all.add(pod.sandbox());
      }
      all.addAll(pod.containers());
      for (ContainerStats container : all) {
        Cgroup cgroup = container.cgroup();
        if (cgroup == null) {
          continue;
        }
        series.add(new Series(labels(container.name(), cgroup.id(), cgroup.image(),
            cgroup.name(), pod.namespace(), pod.name()), container.cpu(), container.memory(),
            cgroup.memoryLimitBytes() == null ? 0L : cgroup.memoryLimitBytes(),
            container.startTime().getEpochSecond(), cgroup.network()));
      }
    }
    CounterSnapshot.Builder cpu = counter("container_cpu_usage_seconds",
        "Cumulative cpu time consumed in seconds.");
    GaugeSnapshot.Builder usage = gauge("container_memory_usage_bytes",
        "Current memory usage in bytes, including all memory regardless of when it was"
            + " accessed");
    GaugeSnapshot.Builder workingSet = gauge("container_memory_working_set_bytes",
        "Current working set in bytes.");
    GaugeSnapshot.Builder rss = gauge("container_memory_rss", "Size of RSS in bytes.");
    GaugeSnapshot.Builder limit = gauge("container_spec_memory_limit_bytes",
        "Memory limit for the container.");
    GaugeSnapshot.Builder start = gauge("container_start_time_seconds",
        "Start time of the container since unix epoch in seconds.");
    GaugeSnapshot.Builder lastSeen = gauge("container_last_seen",
        "Last time a container was seen by the exporter");
    List<CounterSnapshot.Builder> network = NETWORK.stream()
        .map(n -> counter(n.name(), n.help())).toList();
    for (Series s : series) {
      Long millis = s.cpu() != null ? Long.valueOf(s.cpu().time().toEpochMilli())
          : s.memory() != null ? Long.valueOf(s.memory().time().toEpochMilli()) : null;
      if (s.cpu() != null) {
        cpu.dataPoint(stamp(CounterDataPointSnapshot.builder()
            .labels(s.labels().add("cpu", "total"))
            .value(s.cpu().usageCoreNanoSeconds() / 1e9), millis).build());
      }
      if (s.memory() != null) {
        usage.dataPoint(gaugePoint(s.labels(), s.memory().usageBytes(), millis));
        workingSet.dataPoint(gaugePoint(s.labels(), s.memory().workingSetBytes(), millis));
        rss.dataPoint(gaugePoint(s.labels(), s.memory().rssBytes(), millis));
      }
      if (s.limit() != null) {
        limit.dataPoint(gaugePoint(s.labels(), s.limit(), millis));
      }
      if (s.startSeconds() != null) {
        start.dataPoint(gaugePoint(s.labels(), s.startSeconds(), millis));
      }
      if (millis != null) {
        lastSeen.dataPoint(gaugePoint(s.labels(), millis / 1000, millis));
      }
      for (Interface nic : s.network()) {
        for (int i = 0; i < NETWORK.size(); i++) {
          network.get(i).dataPoint(stamp(CounterDataPointSnapshot.builder()
              .labels(s.labels().add("interface", nic.name()))
              .value(NETWORK.get(i).value().applyAsLong(nic)), millis).build());
        }
      }
    }
    List<io.prometheus.metrics.model.snapshots.MetricSnapshot> snapshots = new ArrayList<>(
        List.of(cpu.build(), lastSeen.build(), usage.build(), rss.build(), workingSet.build(),
            limit.build(), start.build()));
    network.forEach(n -> snapshots.add(n.build()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      WRITER.write(out, new MetricSnapshots(snapshots));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static Labels labels(String container, String id, String image, String name,
      String namespace, String pod) {
    return Labels.of("container", container, "id", id, "image", image, "name", name,
        "namespace", namespace, "pod", pod);
  }

  private static CounterDataPointSnapshot.Builder stamp(CounterDataPointSnapshot.Builder point,
      Long millis) {
    return millis == null ? point : point.scrapeTimestampMillis(millis);
  }

  private static GaugeDataPointSnapshot gaugePoint(Labels labels, double value, Long millis) {
    GaugeDataPointSnapshot.Builder point = GaugeDataPointSnapshot.builder().labels(labels)
        .value(value);
    if (millis != null) {
      point.scrapeTimestampMillis(millis);
    }
    return point.build();
  }

  private static CounterSnapshot.Builder counter(String name, String help) {
    return CounterSnapshot.builder().name(name).help(help);
  }

  private static GaugeSnapshot.Builder gauge(String name, String help) {
    return GaugeSnapshot.builder().name(name).help(help);
  }
}
