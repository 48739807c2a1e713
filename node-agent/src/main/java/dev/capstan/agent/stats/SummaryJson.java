package dev.capstan.agent.stats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capstan.agent.stats.ResourceStats.ContainerStats;
import dev.capstan.agent.stats.ResourceStats.Cpu;
import dev.capstan.agent.stats.ResourceStats.Memory;
import dev.capstan.agent.stats.ResourceStats.PodStats;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The kubelet's Summary API body ({@code GET /stats/summary}, {@code stats/v1alpha1}):
 * {@code node} with {@code nodeName}, {@code startTime}, {@code cpu} and {@code memory}, and
 * {@code pods}, each with {@code podRef}, {@code startTime}, {@code containers}, {@code cpu} and
 * {@code memory}. Field names, nesting and the RFC 3339 times are the kubelet's, so
 * metrics-server and anything else that reads a kubelet reads this; figures not sampled
 * (network, filesystems, a rate before the second sampling) are left out, as the kubelet
 * leaves out what it does not have.
 */
public final class SummaryJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SummaryJson() {}

  public static String of(ResourceStats stats) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode node = root.putObject("node");
    node.put("nodeName", stats.node().nodeName());
    node.put("startTime", time(stats.node().startTime()));
    cpu(node, stats.node().cpu());
    memory(node, stats.node().memory());
    ArrayNode pods = root.putArray("pods");
    for (PodStats pod : stats.pods()) {
      ObjectNode p = pods.addObject();
      ObjectNode ref = p.putObject("podRef");
      ref.put("name", pod.name());
      ref.put("namespace", pod.namespace());
      ref.put("uid", pod.uid());
      p.put("startTime", time(pod.startTime()));
      ArrayNode containers = p.putArray("containers");
      for (ContainerStats container : pod.containers()) {
        ObjectNode c = containers.addObject();
        c.put("name", container.name());
        c.put("startTime", time(container.startTime()));
        cpu(c, container.cpu());
        memory(c, container.memory());
      }
      cpu(p, pod.cpu());
      memory(p, pod.memory());
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void cpu(ObjectNode parent, Cpu cpu) {
    if (cpu == null) {
      return;
    }
    ObjectNode c = parent.putObject("cpu");
    c.put("time", time(cpu.time()));
    if (cpu.usageNanoCores() != null) {
      c.put("usageNanoCores", cpu.usageNanoCores());
    }
    c.put("usageCoreNanoSeconds", cpu.usageCoreNanoSeconds());
  }

  private static void memory(ObjectNode parent, Memory memory) {
    if (memory == null) {
      return;
    }
    ObjectNode m = parent.putObject("memory");
    m.put("time", time(memory.time()));
    if (memory.availableBytes() != null) {
      m.put("availableBytes", memory.availableBytes());
    }
    m.put("usageBytes", memory.usageBytes());
    m.put("workingSetBytes", memory.workingSetBytes());
    m.put("rssBytes", memory.rssBytes());
    m.put("pageFaults", memory.pageFaults());
    m.put("majorPageFaults", memory.majorPageFaults());
  }

  /** RFC 3339 in seconds, as Kubernetes' metav1.Time. */
  private static String time(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
