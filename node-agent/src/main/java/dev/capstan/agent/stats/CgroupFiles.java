package dev.capstan.agent.stats;

import java.util.HashMap;
import java.util.Map;

/**
 * The numbers in a cgroup's files, computed as cAdvisor computes them for the kubelet, so the
 * figures here are the ones {@code kubectl top} shows on a Kubernetes node.
 *
 * <ul>
 *   <li>cgroup v1: CPU from {@code cpuacct.usage} (nanoseconds); memory usage from
 *       {@code memory.usage_in_bytes}, and from {@code memory.stat} the {@code total_*} fields
 *       (hierarchical, as cAdvisor reads them).
 *   <li>cgroup v2: CPU from {@code cpu.stat}'s {@code usage_usec}; memory usage from
 *       {@code memory.current}, and from {@code memory.stat} the plain fields.
 * </ul>
 * The working set is usage minus inactive file pages (never below 0): memory the kernel cannot
 * reclaim cheaply, which is what the kubelet evicts on and metrics-server reports.
 */
public final class CgroupFiles {

  private CgroupFiles() {}

  /** Memory figures of one cgroup, in bytes (faults in counts). */
  public record Memory(long usageBytes, long workingSetBytes, long rssBytes, long pageFaults,
      long majorPageFaults) {

    public Memory plus(Memory other) {
      return new Memory(usageBytes + other.usageBytes, workingSetBytes + other.workingSetBytes,
          rssBytes + other.rssBytes, pageFaults + other.pageFaults,
          majorPageFaults + other.majorPageFaults);
    }

    public static final Memory ZERO = new Memory(0, 0, 0, 0, 0);
  }

  /** v1 {@code cpuacct.usage}: cumulative CPU time in nanoseconds. */
  public static long cpuV1(String cpuacctUsage) {
    return Long.parseLong(cpuacctUsage.strip());
  }

  /** v2 {@code cpu.stat}: cumulative CPU time in nanoseconds, from {@code usage_usec}. */
  public static long cpuV2(String cpuStat) {
    Long micros = flatKeyed(cpuStat).get("usage_usec");
    if (micros == null) {
      throw new IllegalArgumentException("cpu.stat has no usage_usec");
    }
    return micros * 1_000;
  }

  /** v1: {@code memory.usage_in_bytes} and {@code memory.stat}. */
  public static Memory memoryV1(String usageInBytes, String memoryStat) {
    Map<String, Long> stat = flatKeyed(memoryStat);
    long usage = Long.parseLong(usageInBytes.strip());
    return new Memory(usage, workingSet(usage, stat.getOrDefault("total_inactive_file", 0L)),
        stat.getOrDefault("total_rss", 0L), stat.getOrDefault("total_pgfault", 0L),
        stat.getOrDefault("total_pgmajfault", 0L));
  }

  /** v2: {@code memory.current} and {@code memory.stat}. */
  public static Memory memoryV2(String memoryCurrent, String memoryStat) {
    Map<String, Long> stat = flatKeyed(memoryStat);
    long usage = Long.parseLong(memoryCurrent.strip());
    return new Memory(usage, workingSet(usage, stat.getOrDefault("inactive_file", 0L)),
        stat.getOrDefault("anon", 0L), stat.getOrDefault("pgfault", 0L),
        stat.getOrDefault("pgmajfault", 0L));
  }

  /**
   * The node's memory from {@code /proc/meminfo} (the root of a v2 hierarchy has no
   * {@code memory.current}): usage is MemTotal - MemFree, the working set that minus
   * Inactive(file), as cAdvisor reports the root cgroup.
   */
  public static Memory memoryOfMeminfo(String meminfo) {
    Map<String, Long> kib = new HashMap<>();
    for (String line : meminfo.split("\n")) {
      String[] fields = line.split("[:\\s]+");
      if (fields.length >= 2) {
        try {
          kib.put(fields[0], Long.parseLong(fields[1]));
        } catch (NumberFormatException e) {
          // not a number of KiB
        }
      }
    }
    long usage = (kib.getOrDefault("MemTotal", 0L) - kib.getOrDefault("MemFree", 0L)) * 1024;
    long inactiveFile = kib.getOrDefault("Inactive(file)", 0L) * 1024;
    return new Memory(usage, workingSet(usage, inactiveFile),
        kib.getOrDefault("AnonPages", 0L) * 1024, 0, 0);
  }

  /** {@code MemTotal} of {@code /proc/meminfo}, in bytes. */
  public static long memoryCapacity(String meminfo) {
    for (String line : meminfo.split("\n")) {
      if (line.startsWith("MemTotal:")) {
        return Long.parseLong(line.split("\\s+")[1]) * 1024;
      }
    }
    throw new IllegalArgumentException("/proc/meminfo has no MemTotal");
  }

  /**
   * The machine's CPU time from {@code /proc/stat}'s {@code cpu} line, in nanoseconds: user,
   * nice, system, irq, softirq and steal (not idle, not iowait), in ticks of
   * {@code ticksPerSecond}.
   */
  public static long cpuOfProcStat(String procStat, long ticksPerSecond) {
    for (String line : procStat.split("\n")) {
      if (line.startsWith("cpu ")) {
        String[] f = line.trim().split("\\s+");
        long ticks = 0;
        for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
          if (i < f.length) {
            ticks += Long.parseLong(f[i]);
          }
        }
        return ticks * (1_000_000_000L / ticksPerSecond);
      }
    }
    throw new IllegalArgumentException("/proc/stat has no cpu line");
  }

  /** The machine's boot time, {@code btime} of {@code /proc/stat}, in seconds since the epoch. */
  public static long bootTime(String procStat) {
    for (String line : procStat.split("\n")) {
      if (line.startsWith("btime ")) {
        return Long.parseLong(line.substring(6).strip());
      }
    }
    throw new IllegalArgumentException("/proc/stat has no btime line");
  }

  /**
   * The interfaces of {@code /proc/<pid>/net/dev} but loopback, as cAdvisor reports a
   * container's network: receive bytes, packets, errs, drop, then (after four fields) transmit
   * bytes, packets, errs, drop.
   */
  public static java.util.List<ResourceStats.Interface> netDev(String netDev) {
    java.util.List<ResourceStats.Interface> interfaces = new java.util.ArrayList<>();
    for (String line : netDev.split("\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = line.substring(0, colon).strip();
      String[] f = line.substring(colon + 1).trim().split("\\s+");
      if (name.equals("lo") || f.length < 16) {
        continue;
      }
      try {
        interfaces.add(new ResourceStats.Interface(name, Long.parseLong(f[0]),
            Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
            Long.parseLong(f[8]), Long.parseLong(f[9]), Long.parseLong(f[10]),
            Long.parseLong(f[11])));
      } catch (NumberFormatException e) {
        // a header line
      }
    }
    return interfaces;
  }

  /**
   * A memory limit file ({@code memory.limit_in_bytes}, {@code memory.max}): null for none
   * ({@code max}, or v1's near-2^63 "unlimited"), as cAdvisor's limit of 0.
   */
  public static Long memoryLimit(String text) {
    String value = text.strip();
    if (value.equals("max")) {
      return null;
    }
    long limit = Long.parseLong(value);
    return limit >= (1L << 62) ? null : limit;
  }

  /** A cgroup flat-keyed file ({@code key value} lines) as numbers; other lines ignored. */
  static Map<String, Long> flatKeyed(String text) {
    Map<String, Long> values = new HashMap<>();
    for (String line : text.split("\n")) {
      int space = line.indexOf(' ');
      if (space > 0) {
        try {
          values.put(line.substring(0, space), Long.parseLong(line.substring(space + 1).strip()));
        } catch (NumberFormatException e) {
          // a field that is not one number
        }
      }
    }
    return values;
  }

  private static long workingSet(long usage, long inactiveFile) {
    return Math.max(0, usage - inactiveFile);
  }
}
