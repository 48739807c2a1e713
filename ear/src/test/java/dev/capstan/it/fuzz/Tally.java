package dev.capstan.it.fuzz;

import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of a run, kept by the concurrent cases: fuzz requests by status class overall and
 * by family, and where the time went, per family of case and per phase (making the case, creating
 * its base object, the fuzz request, the checks after it), so that a slow run says what made it
 * slow. Times are summed over the workers: with several of them, the sums exceed the wall time.
 */
final class Tally {

  /** The phases of a case the time is kept for. */
  enum Phase { GENERATE, BASE, REQUEST, CHECKS }

  private final Map<String, Integer> classes = new TreeMap<>();
  private final Map<String, Map<String, Integer>> byFamily = new TreeMap<>();
  private final Map<String, long[]> familyMillis = new TreeMap<>();
  private final long[] phaseNanos = new long[Phase.values().length];
  private int requests;
  private int setups;
  private long slowest;

  synchronized void answered(String family, String statusClass, long millis) {
    requests++;
    slowest = Math.max(slowest, millis);
    classes.merge(statusClass, 1, Integer::sum);
    byFamily.computeIfAbsent(family, f -> new TreeMap<>()).merge(statusClass, 1, Integer::sum);
    long[] time = familyMillis.computeIfAbsent(family, f -> new long[2]);
    time[0] += millis;
    time[1] = Math.max(time[1], millis);
  }

  /** A case that sent no fuzz request, counted so that such cases cannot hide many others. */
  synchronized void skipped(String why) {
    classes.merge(why, 1, Integer::sum);
  }

  synchronized void setup() {
    setups++;
  }

  synchronized void time(Phase phase, long sinceNanos) {
    phaseNanos[phase.ordinal()] += System.nanoTime() - sinceNanos;
  }

  synchronized int requests() {
    return requests;
  }

  synchronized String report() {
    StringBuilder out = new StringBuilder();
    out.append("fuzz requests: ").append(requests).append(" (plus ").append(setups)
        .append(" creates of valid base objects)\n");
    out.append("by status class: ").append(classes).append("\n");
    out.append("slowest answer: ").append(slowest).append(" ms; time summed over the workers:");
    for (Phase phase : Phase.values()) {
      out.append(' ').append(phase.name().toLowerCase()).append(' ')
          .append(phaseNanos[phase.ordinal()] / 1_000_000_000).append(" s");
    }
    out.append('\n');
    byFamily.forEach((family, counts) -> {
      long[] time = familyMillis.get(family);
      int n = counts.values().stream().mapToInt(Integer::intValue).sum();
      out.append("  ").append(family).append(": ").append(counts).append(", mean ")
          .append(time[0] / Math.max(1, n)).append(" ms, slowest ").append(time[1])
          .append(" ms\n");
    });
    return out.toString();
  }
}
