package dev.capstan.it.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The seeds of a run: the regression cases first (every case that once failed, kept in
 * {@code fuzz-regressions.txt}, one hexadecimal seed a line, {@code #} comments), then the
 * cases of the run's own seed.
 */
public final class Seeds {

  private Seeds() {}

  public static List<Long> regressions() {
    List<Long> seeds = new ArrayList<>();
    try (InputStream in = Seeds.class.getResourceAsStream("/fuzz-regressions.txt")) {
      if (in == null) {
        return seeds;
      }
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String seed = line.replaceAll("#.*", "").strip();
        if (!seed.isEmpty()) {
          seeds.add(Long.parseUnsignedLong(seed, 16));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return seeds;
  }

  /** {@code count} case seeds derived from the run's seed. */
  public static List<Long> of(long runSeed, int count) {
    List<Long> seeds = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      seeds.add(Cases.caseSeed(runSeed, i));
    }
    return seeds;
  }

  /** Parses a seed as printed (hexadecimal). */
  public static long parse(String text) {
    return Long.parseUnsignedLong(text.strip(), 16);
  }
}
