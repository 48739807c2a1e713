package dev.capstan.agent.stats;

import dev.capstan.agent.stats.ResourceStats.ContainerStats;
import dev.capstan.agent.stats.ResourceStats.Cpu;
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

/**
 * The kubelet's {@code /metrics/resource} in Prometheus text format (0.0.4): the metric names,
 * help texts, labels ({@code container}, {@code namespace}, {@code pod}) and per-sample
 * timestamps (the time of the sampling) that metrics-server and Prometheus read from a kubelet.
 *
 * <p>Written with the Prometheus Java client's model and text writer
 * ({@code prometheus-metrics-exposition-textformats}, about 230 KiB with its model, the
 * library Micrometer's Prometheus registry writes through): the series here are rebuilt from
 * each sampling, with the sampling's time, which a registry of long-lived meters (Micrometer)
 * does not model, and the agent needs none of a registry's machinery.
 */
public final class ResourceMetrics {

  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;
  private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

  private ResourceMetrics() {}

  public static String of(ResourceStats stats) {
    CounterSnapshot.Builder containerCpu = counter("container_cpu_usage_seconds",
        "[STABLE] Cumulative cpu time consumed by the container in core-seconds");
    GaugeSnapshot.Builder containerMemory = gauge("container_memory_working_set_bytes",
        "[STABLE] Current working set of the container in bytes");
    GaugeSnapshot.Builder containerStart = gauge("container_start_time_seconds",
        "[STABLE] Start time of the container since unix epoch in seconds");
    CounterSnapshot.Builder podCpu = counter("pod_cpu_usage_seconds",
        "[STABLE] Cumulative cpu time consumed by the pod in core-seconds");
    GaugeSnapshot.Builder podMemory = gauge("pod_memory_working_set_bytes",
        "[STABLE] Current working set of the pod in bytes");
    for (PodStats pod : stats.pods()) {
      Labels podLabels = Labels.of("namespace", pod.namespace(), "pod", pod.name());
      for (ContainerStats container : pod.containers()) {
        Labels labels = Labels.of("container", container.name(), "namespace", pod.namespace(),
            "pod", pod.name());
        cpu(containerCpu, labels, container.cpu());
        memory(containerMemory, labels, container.memory());
        containerStart.dataPoint(GaugeDataPointSnapshot.builder().labels(labels)
            .value(container.startTime().getEpochSecond())
            .scrapeTimestampMillis(container.cpu().time().toEpochMilli()).build());
      }
      cpu(podCpu, podLabels, pod.cpu());
      memory(podMemory, podLabels, pod.memory());
    }
    CounterSnapshot.Builder nodeCpu = counter("node_cpu_usage_seconds",
        "[STABLE] Cumulative cpu time consumed by the node in core-seconds");
    GaugeSnapshot.Builder nodeMemory = gauge("node_memory_working_set_bytes",
        "[STABLE] Current working set of the node in bytes");
    cpu(nodeCpu, Labels.EMPTY, stats.node().cpu());
    memory(nodeMemory, Labels.EMPTY, stats.node().memory());
    GaugeSnapshot.Builder scrapeError = gauge("scrape_error",
        "[ALPHA] 1 if there was an error while getting container metrics, 0 otherwise");
    scrapeError.dataPoint(GaugeDataPointSnapshot.builder()
        .value(stats.scrapeError() ? 1 : 0).build());
    MetricSnapshots snapshots = MetricSnapshots.of(containerCpu.build(), containerMemory.build(),
        containerStart.build(), nodeCpu.build(), nodeMemory.build(), podCpu.build(),
        podMemory.build(), scrapeError.build());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      WRITER.write(out, snapshots);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static CounterSnapshot.Builder counter(String name, String help) {
    return CounterSnapshot.builder().name(name).help(help);
  }

  private static GaugeSnapshot.Builder gauge(String name, String help) {
    return GaugeSnapshot.builder().name(name).help(help);
  }

  private static void cpu(CounterSnapshot.Builder metric, Labels labels, Cpu cpu) {
    if (cpu != null) {
      metric.dataPoint(CounterDataPointSnapshot.builder().labels(labels)
          .value(cpu.usageCoreNanoSeconds() / 1e9)
          .scrapeTimestampMillis(cpu.time().toEpochMilli()).build());
    }
  }

  private static void memory(GaugeSnapshot.Builder metric, Labels labels, Memory memory) {
    if (memory != null) {
      metric.dataPoint(GaugeDataPointSnapshot.builder().labels(labels)
          .value(memory.workingSetBytes())
          .scrapeTimestampMillis(memory.time().toEpochMilli()).build());
    }
  }
}
