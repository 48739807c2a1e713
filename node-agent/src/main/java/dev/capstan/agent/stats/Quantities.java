package dev.capstan.agent.stats;

/**
 * Byte counts written as Kubernetes writes a {@code resource.Quantity} made with
 * {@code NewQuantity(n, BinarySI)}, which is how the kubelet's eviction messages show what was
 * available and used: the largest power of 1024 that divides the number exactly as its suffix
 * ({@code 90Mi}, {@code 21474836Ki}), the bare number when none does or it is under 1024.
 */
public final class Quantities {

  private static final String[] SUFFIXES = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

  private Quantities() {}

  public static String binary(long bytes) {
    if (bytes > -1024 && bytes < 1024) {
      return Long.toString(bytes);
    }
    long amount = bytes;
    int exponent = 0;
    while (amount % 1024 == 0 && exponent < SUFFIXES.length - 1) {
      amount /= 1024;
      exponent++;
    }
    return amount + SUFFIXES[exponent];
  }
}
