package dev.capstan.agent.stats;

import java.time.Instant;
import java.util.List;

/**
 * One sampling of the node, its pods and their containers, in the kubelet's Summary API terms
 * ({@code stats/v1alpha1}): what {@code /stats/summary} and {@code /metrics/resource} serve.
 * Immutable, so the endpoint answers from the last one without waiting for the next.
 *
 * @param node the node's own figures
 * @param pods the pods with a running container
 * @param scrapeError whether some figure could not be read at the last sampling (the kubelet's
 *     {@code scrape_error})
 */
public record ResourceStats(NodeStats node, List<PodStats> pods, boolean scrapeError) {

  /**
   * CPU of a container, pod or node.
   *
   * @param usageNanoCores the rate since the sampling before, in billionths of a core; null at
   *     the first sampling (the kubelet leaves it out then too)
   * @param usageCoreNanoSeconds cumulative CPU time
   */
  public record Cpu(Instant time, Long usageNanoCores, long usageCoreNanoSeconds) {}

  /**
   * Memory of a container, pod or node, in bytes (faults in counts).
   *
   * @param availableBytes what is left under the limit (the node's capacity); null without one
   */
  public record Memory(Instant time, Long availableBytes, long usageBytes, long workingSetBytes,
      long rssBytes, long pageFaults, long majorPageFaults) {

    static Memory of(Instant time, Long limit, CgroupFiles.Memory m) {
      return new Memory(time, limit == null ? null : Math.max(0, limit - m.workingSetBytes()),
          m.usageBytes(), m.workingSetBytes(), m.rssBytes(), m.pageFaults(),
          m.majorPageFaults());
    }
  }

  /**
   * A container as cAdvisor names it in {@code /metrics/cadvisor}, with the figures only that
   * endpoint serves.
   *
   * @param id its cgroup, from the hierarchy's root ({@code /docker/<id>})
   * @param name the engine's name of the container
   * @param image the image it was created from, as given
   * @param memoryLimitBytes its cgroup's memory limit; null when it has none
   * @param network its network namespace's interfaces (the sandbox's); empty when not read
   */
  public record Cgroup(String id, String name, String image, Long memoryLimitBytes,
      List<Interface> network) {}

  /** One network interface's cumulative counters, as {@code /proc/<pid>/net/dev} has them. */
  public record Interface(String name, long rxBytes, long rxPackets, long rxErrors,
      long rxDropped, long txBytes, long txPackets, long txErrors, long txDropped) {}

  /** @param cgroup how cAdvisor names it; null when not known */
  public record ContainerStats(String name, Instant startTime, Cpu cpu, Memory memory,
      Cgroup cgroup) {

    public ContainerStats(String name, Instant startTime, Cpu cpu, Memory memory) {
      this(name, startTime, cpu, memory, null);
    }
  }

  /**
   * @param sandbox the pod's sandbox (its pause container, cAdvisor's {@code POD}); null when
   *     not sampled
   */
  public record PodStats(String name, String namespace, String uid, Instant startTime,
      List<ContainerStats> containers, Cpu cpu, Memory memory, ContainerStats sandbox) {

    public PodStats(String name, String namespace, String uid, Instant startTime,
        List<ContainerStats> containers, Cpu cpu, Memory memory) {
      this(name, namespace, uid, startTime, containers, cpu, memory, null);
    }

    /** The pod's network: its sandbox's interfaces, empty when not read. */
    public List<Interface> network() {
      return sandbox == null || sandbox.cgroup() == null ? List.of()
          : sandbox.cgroup().network();
    }
  }

  public record NodeStats(String nodeName, Instant startTime, Cpu cpu, Memory memory) {}
}
