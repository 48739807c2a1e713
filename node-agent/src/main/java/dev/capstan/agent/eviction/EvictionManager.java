package dev.capstan.agent.eviction;

import dev.capstan.agent.stats.EvictionThresholds;
import dev.capstan.agent.stats.EvictionThresholds.Observation;
import dev.capstan.agent.stats.EvictionThresholds.Pressure;
import dev.capstan.agent.stats.EvictionThresholds.Signal;
import dev.capstan.agent.stats.ResourceStats;
import dev.capstan.agent.stats.ResourceStats.PodStats;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The kubelet's eviction manager for hard thresholds: every monitoring round (10 s, the
 * kubelet's {@code evictionMonitoringPeriod}) it compares the last measurements with the
 * thresholds ({@link EvictionThresholds}); a signal under its threshold holds the node's
 * pressure condition (MemoryPressure, DiskPressure) True, and keeps it so for the pressure
 * transition period after the signal recovers (the kubelet's
 * {@code --eviction-pressure-transition-period}, 5 minutes by default), so the condition does
 * not flap. While a threshold is met, one pod per round is evicted, in the kubelet's order
 * ({@link EvictionRanking}; memory before disk), with a grace period of 1 s (the kubelet's for
 * hard thresholds), its status Failed with reason {@code Evicted} and the kubelet's message
 * ({@link EvictionMessage}), and a Warning event {@code Evicted}.
 *
 * <p>After an eviction the kubelet waits (up to 30 s) for the pod's resources to be reclaimed
 * before it looks again; here nothing waits: the rounds that follow only check whether the pod
 * is cleaned up (its containers stopped, its volumes gone, and a sampling taken since), and
 * evict no one else until it is or 30 s went by, so a pod whose memory is still being freed
 * does not cost another pod its place. Static pods and pods of system-critical priority are
 * never evicted, as the kubelet's {@code IsCriticalPod}.
 *
 * <p>One thread of its own; a round that finds no threshold met reads two figures and a file
 * system's free space, and asks nothing of the API.
 */
public final class EvictionManager implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(EvictionManager.class.getName());
  /** The kubelet's {@code immediateEvictionGracePeriodSeconds}, for hard thresholds. */
  static final long HARD_EVICTION_GRACE_SECONDS = 1;
  /** The kubelet's {@code podCleanupTimeout}. */
  static final Duration CLEANUP_TIMEOUT = Duration.ofSeconds(30);
  /** {@code scheduling.SystemCriticalPriority}: pods at or above it are never evicted. */
  static final int SYSTEM_CRITICAL_PRIORITY = 2_000_000_000;
  public static final Duration DEFAULT_TRANSITION_PERIOD = Duration.ofMinutes(5);

  /** What the manager asks of the rest of the agent. */
  public interface Pods {
    /** The pods bound to this node that are neither terminal nor being deleted. */
    List<Pod> active();

    /** Evicts the pod: status, event, and its containers stopped within the grace period. */
    void evict(Pod pod, long graceSeconds, String message);

    /** Whether the pod's containers no longer run and its volumes are gone. */
    boolean cleanedUp(String uid);
  }

  private record Evicted(String uid, String name, Instant at, Instant cleanedAt) {}

  private final EvictionThresholds thresholds;
  private final Supplier<Optional<ResourceStats>> stats;
  private final Path dir;
  private final Pods pods;
  private final Clock clock;
  private final Duration transitionPeriod;
  private final ScheduledExecutorService rounds;
  private final Map<Signal, Instant> lastMet = new EnumMap<>(Signal.class);
  private Evicted waitingFor;
  private volatile Pressure pressure = Pressure.NONE;

  /**
   * @param stats the last sampling; empty when the agent does not sample
   * @param dir the agent's directory, whose file system is nodefs
   */
  public EvictionManager(EvictionThresholds thresholds, Supplier<Optional<ResourceStats>> stats,
      Path dir, Pods pods, Clock clock, Duration transitionPeriod) {
    this.thresholds = thresholds;
    this.stats = stats;
    this.dir = dir;
    this.pods = pods;
    this.clock = clock;
    this.transitionPeriod = transitionPeriod;
    this.rounds = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "capstan-eviction");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Runs a round now and every {@code period}. */
  public void start(Duration period) {
    rounds.scheduleWithFixedDelay(() -> {
      try {
        synchronize();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Eviction manager round failed: " + e.getMessage(), e);
      }
    }, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    LOG.info(() -> "Eviction manager watching " + thresholds + " every " + period.toSeconds()
        + " s (pressure transition period " + transitionPeriod.toSeconds() + " s)");
  }

  /** The node's pressure conditions as of the last round. */
  public Pressure pressure() {
    return pressure;
  }

  /**
   * One monitoring round: observe, update the pressure, and evict at most one pod.
   *
   * @return the pod evicted, if one was
   */
  public synchronized Optional<Pod> synchronize() {
    Instant now = clock.instant();
    Optional<ResourceStats> last = stats.get();
    List<Observation> observations = EvictionThresholds.observe(last, dir, now);
    List<Observation> met = observations.stream().filter(thresholds::met)
        .sorted(Comparator.comparing(Observation::signal)).toList();
    met.forEach(observation -> lastMet.put(observation.signal(), now));
    pressure = new Pressure(holds(Signal.MEMORY, now), holds(Signal.NODEFS, now));
    if (met.isEmpty()) {
      waitingFor = null;
      return Optional.empty();
    }
    if (stillReclaiming(last, now)) {
      return Optional.empty();
    }
    Observation observation = met.get(0);
    Map<String, PodStats> byUid = last.map(s -> s.pods().stream()
            .collect(Collectors.toMap(PodStats::uid, Function.identity(), (a, b) -> a)))
        .orElse(Map.of());
    List<Pod> ranked = EvictionRanking.rank(observation.signal(), pods.active(), byUid);
    for (Pod pod : ranked) {
      if (critical(pod)) {
        continue;
      }
      String message = EvictionMessage.of(observation, thresholds.quantity(observation), pod,
          byUid.get(pod.getMetadata().getUid()));
      LOG.info(() -> "Evicting pod " + pod.getMetadata().getNamespace() + "/"
          + pod.getMetadata().getName() + ": " + message.strip());
      pods.evict(pod, HARD_EVICTION_GRACE_SECONDS, message);
      waitingFor = new Evicted(pod.getMetadata().getUid(), pod.getMetadata().getNamespace()
          + "/" + pod.getMetadata().getName(), now, null);
      return Optional.of(pod);
    }
    LOG.fine(() -> "Eviction threshold " + observation.signal().signal()
        + " met, but no pod to evict");
    return Optional.empty();
  }

  /**
   * Whether the pod evicted last still holds what it used: not cleaned up yet, or cleaned up
   * after the last sampling (which then still counts it), within the cleanup timeout.
   */
  private boolean stillReclaiming(Optional<ResourceStats> last, Instant now) {
    if (waitingFor == null) {
      return false;
    }
    if (now.isAfter(waitingFor.at().plus(CLEANUP_TIMEOUT))) {
      LOG.info(() -> "Pod " + waitingFor.name() + " not cleaned up " + CLEANUP_TIMEOUT
          .toSeconds() + " s after its eviction; evicting on");
      waitingFor = null;
      return false;
    }
    if (waitingFor.cleanedAt() == null) {
      if (!pods.cleanedUp(waitingFor.uid())) {
        return true;
      }
      waitingFor = new Evicted(waitingFor.uid(), waitingFor.name(), waitingFor.at(), now);
    }
    Instant sampled = last.map(ResourceStats::node).map(ResourceStats.NodeStats::memory)
        .map(ResourceStats.Memory::time).orElse(Instant.MAX);
    if (sampled.isAfter(waitingFor.cleanedAt())) {
      waitingFor = null;
      return false;
    }
    return true;
  }

  private boolean holds(Signal signal, Instant now) {
    Instant met = lastMet.get(signal);
    return met != null && !now.isAfter(met.plus(transitionPeriod));
  }

  /**
   * The kubelet's {@code IsCriticalPod}: static pods (and their mirrors) and pods of
   * system-critical priority.
   */
  static boolean critical(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations() == null ? Map.of()
        : pod.getMetadata().getAnnotations();
    String source = annotations.get("kubernetes.io/config.source");
    if (annotations.containsKey("kubernetes.io/config.mirror")
        || (source != null && !source.equals("api"))) {
      return true;
    }
    return EvictionRanking.priority(pod) >= SYSTEM_CRITICAL_PRIORITY;
  }

  @Override
  public void close() {
    rounds.shutdownNow();
  }
}
