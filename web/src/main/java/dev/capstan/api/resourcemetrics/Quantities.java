package dev.capstan.api.resourcemetrics;

import java.time.Duration;

/**
 * The resource metrics' figures written as metrics-server writes them, which is Kubernetes'
 * canonical {@code Quantity} form: CPU is a count of nanocores (a scaled decimal quantity), so
 * it is written with the largest of the suffixes {@code n}, {@code u}, {@code m} or none that
 * keeps it whole ({@code 986000000} nanocores is {@code 986m}, {@code 123456789} stays
 * {@code 123456789n}); memory is a count of bytes (a binary quantity), written with the largest
 * power of 1024 that divides it ({@code 12640256} bytes is {@code 12344Ki}), and below 1024 as
 * a plain number.
 */
final class Quantities {

  private static final String[] BINARY = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

  private Quantities() {}

  static String nanoCores(long nanoCores) {
    if (nanoCores == 0) {
      return "0";
    }
    if (nanoCores % 1_000_000_000L == 0) {
      long cores = nanoCores / 1_000_000_000L;
      return cores % 1_000 == 0 ? cores / 1_000 + "k" : Long.toString(cores);
    }
    if (nanoCores % 1_000_000L == 0) {
      return nanoCores / 1_000_000L + "m";
    }
    if (nanoCores % 1_000L == 0) {
      return nanoCores / 1_000L + "u";
    }
    return nanoCores + "n";
  }

  static String bytes(long bytes) {
    if (bytes > -1024 && bytes < 1024) {
      return Long.toString(bytes);
    }
    int power = 0;
    long value = bytes;
    while (power < BINARY.length - 1 && value % 1024 == 0) {
      value /= 1024;
      power++;
    }
    return value + BINARY[power];
  }

  /** A duration as Go's {@code time.Duration} writes itself (metav1.Duration): {@code 10s}. */
  static String duration(Duration duration) {
    long millis = duration.toMillis();
    String seconds = millis % 1_000 == 0 ? Long.toString(millis / 1_000 % 60)
        : String.format(java.util.Locale.ROOT, "%.3f", millis % 60_000 / 1000.0)
            .replaceAll("0+$", "");
    long minutes = millis / 60_000;
    if (minutes == 0) {
      return (millis % 1_000 == 0 ? Long.toString(millis / 1_000) : seconds) + "s";
    }
    return (minutes >= 60 ? minutes / 60 + "h" : "") + minutes % 60 + "m" + seconds + "s";
  }
}
