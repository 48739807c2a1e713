package dev.capstan.agent.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kubelet's hard eviction thresholds ({@code --eviction-hard}), for the two signals this
 * agent measures: {@code memory.available} (the node's memory capacity minus its working set,
 * as the kubelet computes it from the root cgroup) and {@code nodefs.available} (free space of
 * the file system holding the agent's directory, the kubelet's root dir). A threshold is a
 * quantity ({@code 100Mi}) or a percentage of capacity ({@code 10%}).
 *
 * <p>Kubernetes' defaults: {@code memory.available<100Mi,nodefs.available<10%}. The node's
 * {@code MemoryPressure} and {@code DiskPressure} conditions are True while a signal is under
 * its threshold.
 */
public final class EvictionThresholds {

  public static final String DEFAULTS = "memory.available<100Mi,nodefs.available<10%";
  private static final Pattern THRESHOLD = Pattern.compile(
      "\\s*(memory\\.available|nodefs\\.available)\\s*<\\s*([0-9.]+)(%|[KMGTPE]i?)?\\s*");
  private static final Map<String, Long> UNITS = Map.ofEntries(
      Map.entry("Ki", 1L << 10), Map.entry("Mi", 1L << 20), Map.entry("Gi", 1L << 30),
      Map.entry("Ti", 1L << 40), Map.entry("Pi", 1L << 50), Map.entry("Ei", 1L << 60),
      Map.entry("K", 1_000L), Map.entry("M", 1_000_000L), Map.entry("G", 1_000_000_000L),
      Map.entry("T", 1_000_000_000_000L), Map.entry("P", 1_000_000_000_000_000L),
      Map.entry("E", 1_000_000_000_000_000_000L));

  /**
   * One signal's threshold: bytes, or a fraction of capacity when {@code percent}.
   *
   * @param text the quantity as given ({@code 100Mi}), for messages
   */
  record Threshold(double value, boolean percent, String text) {
    Threshold(double value, boolean percent) {
      this(value, percent, null);
    }

    long bytes(long capacity) {
      return percent ? (long) (capacity * value / 100) : (long) value;
    }

    /**
     * The threshold as the kubelet's eviction message shows it: the quantity as given (in its
     * canonical form when binary), or for a percentage the bytes it comes to.
     */
    String quantity(long capacity) {
      if (percent || text == null) {
        return Quantities.binary(bytes(capacity));
      }
      return text.endsWith("i") ? Quantities.binary((long) value) : text;
    }
  }

  /** The signals of the kubelet this agent measures. */
  public enum Signal {
    MEMORY("memory.available", "memory"),
    NODEFS("nodefs.available", "ephemeral-storage");

    private final String signal;
    private final String resource;

    Signal(String signal, String resource) {
      this.signal = signal;
      this.resource = resource;
    }

    /** The signal's name in {@code --eviction-hard}. */
    public String signal() {
      return signal;
    }

    /** The resource the kubelet reclaims for it, as its eviction messages name it. */
    public String resource() {
      return resource;
    }
  }

  /**
   * One measurement of a signal, as the kubelet's signal observations.
   *
   * @param time when it was measured
   */
  public record Observation(Signal signal, long availableBytes, long capacityBytes,
      java.time.Instant time) {}

  private final Map<String, Threshold> thresholds;

  private EvictionThresholds(Map<String, Threshold> thresholds) {
    this.thresholds = thresholds;
  }

  /**
   * Reads {@code signal<quantity} pairs separated by commas.
   *
   * @throws IllegalArgumentException naming the pair it cannot read
   */
  public static EvictionThresholds parse(String text) {
    Map<String, Threshold> thresholds = new TreeMap<>();
    for (String pair : text.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      Matcher m = THRESHOLD.matcher(pair);
      if (!m.matches()) {
        throw new IllegalArgumentException("eviction threshold \"" + pair.strip() + "\": expected"
            + " memory.available or nodefs.available, '<' and a quantity or a percentage");
      }
      double number = Double.parseDouble(m.group(2));
      String unit = m.group(3);
      thresholds.put(m.group(1), "%".equals(unit) ? new Threshold(number, true, null)
          : new Threshold(number * (unit == null ? 1 : UNITS.get(unit)), false,
              m.group(2) + (unit == null ? "" : unit)));
    }
    return new EvictionThresholds(thresholds);
  }

  /** Whether the node's available memory is under the {@code memory.available} threshold. */
  public boolean memoryPressure(long availableBytes, long capacityBytes) {
    Threshold t = thresholds.get("memory.available");
    return t != null && availableBytes < t.bytes(capacityBytes);
  }

  /** Whether free space is under the {@code nodefs.available} threshold. */
  public boolean diskPressure(long availableBytes, long capacityBytes) {
    Threshold t = thresholds.get("nodefs.available");
    return t != null && availableBytes < t.bytes(capacityBytes);
  }

  /**
   * Whether the observation is under its signal's threshold (the kubelet's "threshold met"):
   * false for a signal without one.
   */
  public boolean met(Observation observation) {
    Threshold t = thresholds.get(observation.signal().signal());
    return t != null && observation.availableBytes() < t.bytes(observation.capacityBytes());
  }

  /**
   * The signal's threshold for its observation's capacity, as the kubelet's eviction message
   * shows it ({@code 100Mi}).
   */
  public Optional<String> quantity(Observation observation) {
    return Optional.ofNullable(thresholds.get(observation.signal().signal()))
        .map(t -> t.quantity(observation.capacityBytes()));
  }

  /**
   * What the agent measures now: memory from the last sampling (none before the first), free
   * space of the file system holding {@code dir} (its nearest existing ancestor).
   */
  public static java.util.List<Observation> observe(Optional<ResourceStats> stats, Path dir,
      java.time.Instant now) {
    java.util.List<Observation> observations = new java.util.ArrayList<>();
    stats.map(ResourceStats::node).map(ResourceStats.NodeStats::memory)
        .filter(m -> m.availableBytes() != null)
        .ifPresent(m -> observations.add(new Observation(Signal.MEMORY, m.availableBytes(),
            m.availableBytes() + m.workingSetBytes(), m.time())));
    try {
      Path existing = dir;
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      if (existing != null) {
        var store = Files.getFileStore(existing);
        observations.add(new Observation(Signal.NODEFS, store.getUsableSpace(),
            store.getTotalSpace(), now));
      }
    } catch (IOException e) {
      // no figure, no pressure
    }
    return observations;
  }

  /**
   * The node's pressure now: memory from the last sampling (none before the first), disk from
   * the file system holding {@code dir} (its nearest existing ancestor).
   */
  public Pressure pressure(Optional<ResourceStats> stats, Path dir) {
    boolean memory = stats.map(ResourceStats::node).map(ResourceStats.NodeStats::memory)
        .filter(m -> m.availableBytes() != null)
        .map(m -> memoryPressure(m.availableBytes(), m.availableBytes() + m.workingSetBytes()))
        .orElse(false);
    boolean disk = false;
    try {
      Path existing = dir;
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      if (existing != null) {
        var store = Files.getFileStore(existing);
        disk = diskPressure(store.getUsableSpace(), store.getTotalSpace());
      }
    } catch (IOException e) {
      // no figure, no pressure
    }
    return new Pressure(memory, disk);
  }

  /** The node conditions' inputs: whether memory or disk is under its threshold. */
  public record Pressure(boolean memory, boolean disk) {
    public static final Pressure NONE = new Pressure(false, false);
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    thresholds.forEach((signal, t) -> text.append(text.length() == 0 ? "" : ",").append(signal)
        .append('<').append(t.percent() ? t.value() + "%" : (long) t.value()));
    return text.toString();
  }
}
