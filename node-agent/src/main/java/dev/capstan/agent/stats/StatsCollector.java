package dev.capstan.agent.stats;

import com.github.dockerjava.api.model.Container;
import dev.capstan.agent.runtime.docker.DockerRuntime;
import dev.capstan.agent.stats.ResourceStats.ContainerStats;
import dev.capstan.agent.stats.ResourceStats.Cpu;
import dev.capstan.agent.stats.ResourceStats.Memory;
import dev.capstan.agent.stats.ResourceStats.NodeStats;
import dev.capstan.agent.stats.ResourceStats.PodStats;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Samples CPU and memory of this node's containers, of their pods and of the node itself every
 * interval (the kubelet's housekeeping, 10 s by default), from the cgroup files Docker creates
 * ({@link CgroupLayout}), and keeps the last sampling for the endpoint ({@link #latest()}).
 *
 * <p>Why the cgroup files and not Docker's stats API (bench/agent-stats.sh, 50 containers, this
 * project's 2-core machine under load): one sampling from the files took 27 ms and 12 ms of the
 * agent's CPU, with nothing from the engine; Docker's stats API ({@code statsCmd},
 * {@code --no-stream}) costs a request per container, each answered after the engine's second
 * CPU reading: 100 s and 1.1 s of CPU one after another, 4.6 s and 350 ms of CPU all at once,
 * plus the engine's own CPU. The engine is asked which containers run only when one started or
 * stopped ({@link #containersChanged()}, from Docker's events) or a minute went by (a listing of
 * 50 cost 16 ms of the agent's CPU and 8 ms of the engine's, more than reading their files), and
 * for a container's pid the one time its cgroup is not where Docker's drivers put it.
 *
 * <p>Threads: a scheduler of its own ticks; each container's files are read as a task of their
 * own on a small pool with a deadline, so a read that hangs marks the sampling
 * {@code scrape_error} and leaves its container out, but delays no other. A tick still running
 * when the next is due is not overlapped; the next one is skipped.
 */
public final class StatsCollector implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(StatsCollector.class.getName());
  private static final String NODE = "io.capstan.node";
  private static final String POD_UID = "io.capstan.pod.uid";
  private static final String POD_NAMESPACE = "io.capstan.pod.namespace";
  private static final String POD_NAME = "io.capstan.pod.name";
  private static final String CONTAINER = "io.capstan.container.name";
  private static final String ROLE = "io.capstan.role";
  private static final String ATTEMPT = "io.capstan.container.attempt";
  /** How long a listing of the running containers serves when Docker reports no change. */
  private static final Duration RELIST = Duration.ofMinutes(1);

  private final String nodeName;
  private final DockerRuntime docker;
  private final CgroupLayout layout;
  private final Duration interval;
  private final Clock clock;
  /** The node's start time: the machine's boot. */
  private final Instant started;
  private final ScheduledExecutorService ticks;
  private final ExecutorService readers;
  private final AtomicBoolean sampling = new AtomicBoolean();
  private final AtomicBoolean containersChanged = new AtomicBoolean(true);
  /** The running containers of this node's pods as last listed, and when; the tick's alone. */
  private List<Container> listed = List.of();
  private Instant listedAt = Instant.EPOCH;
  /** A container's cgroup, found once; empty when it was not found (not looked for again). */
  private final Map<String, Optional<String>> cgroups = new ConcurrentHashMap<>();
  /** The cumulative CPU of each container (by id) and of the node ("") at the last sampling. */
  private Map<String, CpuReading> previous = Map.of();
  private volatile ResourceStats latest;

  private record CpuReading(long nanos, Instant time) {}

  private record Reading(Container container, long cpu, CgroupFiles.Memory memory,
      String cgroup, Long memoryLimit, List<ResourceStats.Interface> network) {}

  public StatsCollector(String nodeName, DockerRuntime docker, CgroupLayout layout,
      Duration interval, Clock clock) {
    this.nodeName = nodeName;
    this.docker = docker;
    this.layout = layout;
    this.interval = interval;
    this.clock = clock;
    Instant booted;
    try {
      booted = layout.bootTime();
    } catch (IOException | RuntimeException e) {
      booted = clock.instant();
    }
    this.started = booted;
    this.latest = new ResourceStats(new NodeStats(nodeName, started, null, null), List.of(),
        false);
    this.ticks = Executors.newSingleThreadScheduledExecutor(daemon("capstan-stats"));
    this.readers = Executors.newFixedThreadPool(2, daemon("capstan-stats-read"));
  }

  /** Samples now and then every interval. */
  public void start() {
    ticks.scheduleWithFixedDelay(this::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    LOG.info(() -> "Sampling container and node resources every " + interval.toSeconds()
        + " s from " + layout);
  }

  /**
   * Says a container of this node started, stopped or went away (a Docker event): the next
   * sampling lists them again.
   */
  public void containersChanged() {
    containersChanged.set(true);
  }

  /** The last sampling (no figures before the first). */
  public ResourceStats latest() {
    return latest;
  }

  private void tick() {
    if (!sampling.compareAndSet(false, true)) {
      return;
    }
    try {
      sample().whenComplete((stats, failure) -> {
        if (failure != null) {
          LOG.log(Level.WARNING, "Resource sampling failed", failure);
        } else {
          latest = stats;
        }
        sampling.set(false);
      });
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Resource sampling failed", e);
      latest = new ResourceStats(latest.node(), latest.pods(), true);
      sampling.set(false);
    }
  }

  /** One sampling: the node's files here, each running container's on the read pool. */
  CompletableFuture<ResourceStats> sample() {
    Instant time = clock.instant();
    boolean[] error = {false};
    List<Container> running = running(time);
    cgroups.keySet().retainAll(running.stream().map(Container::getId)
        .collect(java.util.stream.Collectors.toSet()));
    long deadline = Math.max(1_000, interval.toMillis() / 2);
    List<CompletableFuture<Optional<Reading>>> reads = running.stream()
        .map(container -> CompletableFuture.supplyAsync(() -> read(container), readers)
            .completeOnTimeout(Optional.empty(), deadline, TimeUnit.MILLISECONDS))
        .toList();
    Long nodeCpu = null;
    CgroupFiles.Memory nodeMemory = null;
    Long capacity = null;
    try {
      nodeCpu = layout.nodeCpu();
      nodeMemory = layout.nodeMemory();
      capacity = layout.memoryCapacity();
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.FINE, "Cannot read the node's cgroup", e);
      error[0] = true;
    }
    Long cpu = nodeCpu;
    CgroupFiles.Memory memory = nodeMemory;
    Long limit = capacity;
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(done -> {
      List<Reading> readings = new ArrayList<>();
      for (CompletableFuture<Optional<Reading>> read : reads) {
        Optional<Reading> reading = read.join();
        reading.ifPresentOrElse(readings::add, () -> error[0] = true);
      }
      return assemble(time, cpu, memory, limit, readings, error[0]);
    });
  }

  /** The running containers of this node's pods: listed again when they changed or got old. */
  private List<Container> running(Instant now) {
    if (containersChanged.getAndSet(false) || now.isAfter(listedAt.plus(RELIST))) {
      try {
        listed = docker.containers(Map.of(NODE, nodeName)).stream()
            .filter(c -> "running".equals(c.getState()))
            .filter(c -> c.getLabels() != null && c.getLabels().containsKey(POD_UID))
            .toList();
        listedAt = now;
      } catch (RuntimeException e) {
        containersChanged.set(true);
        throw e;
      }
    }
    return listed;
  }

  /** A container's cgroup figures; empty when they cannot be read. */
  private Optional<Reading> read(Container container) {
    try {
      Optional<String> cgroup = cgroups.get(container.getId());
      if (cgroup == null) {
        String id = container.getId();
        cgroup = layout.containerCgroup(id, 0).or(() -> layout.containerCgroup(id, docker
            .inspectContainer(id).map(c -> c.getState().getPidLong()).orElse(0L)));
        if (cgroup.isEmpty()) {
          LOG.warning(() -> "No cgroup found for container " + id + " (is Docker on another"
              + " machine?); its CPU and memory are not sampled");
        }
        cgroups.put(id, cgroup);
      }
      if (cgroup.isEmpty()) {
        return Optional.empty();
      }
      String path = cgroup.get();
      boolean sandbox = "sandbox".equals(container.getLabels().get(ROLE));
      return Optional.of(new Reading(container, layout.cpu(path), layout.memory(path), path,
          layout.memoryLimit(path), sandbox ? network(path) : List.of()));
    } catch (IOException | RuntimeException e) {
      // stopped since the listing, most often: list again next time
      containersChanged.set(true);
      LOG.log(Level.FINE, "Cannot read the cgroup of container " + container.getId(), e);
      return Optional.empty();
    }
  }

  /** The sandbox's interfaces; none when they cannot be read (it is stopping). */
  private List<ResourceStats.Interface> network(String cgroup) {
    try {
      return layout.network(cgroup);
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  /** The container as cAdvisor names it. */
  private static ResourceStats.Cgroup cgroup(Reading r) {
    String[] names = r.container().getNames();
    String name = names == null || names.length == 0 ? "" : names[0].replaceFirst("^/", "");
    return new ResourceStats.Cgroup("/" + r.cgroup(), name,
        r.container().getImage() == null ? "" : r.container().getImage(), r.memoryLimit(),
        r.network());
  }

  private synchronized ResourceStats assemble(Instant time, Long nodeCpu,
      CgroupFiles.Memory nodeMemory, Long capacity, List<Reading> readings, boolean error) {
    Map<String, CpuReading> current = new HashMap<>();
    Map<String, List<Reading>> byPod = new LinkedHashMap<>();
    readings.stream().sorted(Comparator.comparing((Reading r) -> label(r, POD_NAMESPACE))
            .thenComparing(r -> label(r, POD_NAME)))
        .forEach(r -> byPod.computeIfAbsent(label(r, POD_UID), uid -> new ArrayList<>()).add(r));
    List<PodStats> pods = new ArrayList<>();
    for (List<Reading> pod : byPod.values()) {
      Map<String, ContainerStats> containers = new LinkedHashMap<>();
      long podCpu = 0;
      Long podRate = null;
      CgroupFiles.Memory podMemory = CgroupFiles.Memory.ZERO;
      Instant podStart = null;
      ContainerStats sandbox = null;
      pod.sort(Comparator.comparingInt(StatsCollector::attempt));
      for (Reading r : pod) {
        Cpu cpu = cpu(time, r.container().getId(), r.cpu(), current);
        podCpu += r.cpu();
        if (cpu.usageNanoCores() != null) {
          podRate = (podRate == null ? 0 : podRate) + cpu.usageNanoCores();
        }
        podMemory = podMemory.plus(r.memory());
        Instant created = Instant.ofEpochSecond(r.container().getCreated());
        if ("sandbox".equals(label(r, ROLE))) {
          podStart = created;
          sandbox = new ContainerStats("POD", created, cpu, Memory.of(time, null, r.memory()),
              cgroup(r));
        } else {
          // the last attempt of a container name wins (sorted by attempt)
          containers.put(label(r, CONTAINER), new ContainerStats(label(r, CONTAINER), created,
              cpu, Memory.of(time, null, r.memory()), cgroup(r)));
        }
      }
      Reading first = pod.get(0);
      pods.add(new PodStats(label(first, POD_NAME), label(first, POD_NAMESPACE),
          label(first, POD_UID), podStart != null ? podStart
              : Instant.ofEpochSecond(first.container().getCreated()),
          List.copyOf(containers.values()), new Cpu(time, podRate, podCpu),
          Memory.of(time, null, podMemory), sandbox));
    }
    NodeStats node = new NodeStats(nodeName, started,
        nodeCpu == null ? null : cpu(time, "", nodeCpu, current),
        nodeMemory == null ? null : Memory.of(time, capacity, nodeMemory));
    previous = current;
    return new ResourceStats(node, List.copyOf(pods), error);
  }

  /** The CPU figures of one key, with the rate since its last reading when there was one. */
  private Cpu cpu(Instant time, String key, long nanos, Map<String, CpuReading> current) {
    current.put(key, new CpuReading(nanos, time));
    CpuReading before = previous.get(key);
    Long rate = null;
    if (before != null && nanos >= before.nanos()) {
      long elapsed = Duration.between(before.time(), time).toNanos();
      if (elapsed > 0) {
        rate = (long) ((nanos - before.nanos()) * 1e9 / elapsed);
      }
    }
    return new Cpu(time, rate, nanos);
  }

  private static String label(Reading reading, String name) {
    return reading.container().getLabels().getOrDefault(name, "");
  }

  private static int attempt(Reading reading) {
    try {
      return Integer.parseInt(label(reading, ATTEMPT));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public void close() {
    ticks.shutdownNow();
    readers.shutdownNow();
  }
}
