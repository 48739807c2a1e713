package dev.capstan.resources;

import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;

/**
 * A Kubernetes resource quantity ({@code 500m}, {@code 1.5}, {@code 128Mi}, {@code 1e3}): its exact
 * amount and the format it was written in, added and compared exactly, and printed in
 * Kubernetes' canonical form ({@code 1000} prints as {@code 1k}, {@code 1.5Gi} as
 * {@code 1536Mi}), so messages and statuses read as kube-apiserver writes them.
 *
 * @param amount the value in base units (cores, bytes, objects)
 * @param format how the value is printed: binary suffixes, decimal suffixes or an exponent
 */
public record Quantity(BigDecimal amount, Format format) implements Comparable<Quantity> {

  /** The three ways Kubernetes writes quantities. */
  public enum Format { DECIMAL_SI, BINARY_SI, DECIMAL_EXPONENT }

  public static final Quantity ZERO = new Quantity(BigDecimal.ZERO, Format.DECIMAL_SI);

  private static final Map<String, Integer> BINARY = Map.of(
      "Ki", 1, "Mi", 2, "Gi", 3, "Ti", 4, "Pi", 5, "Ei", 6);
  private static final Map<String, Integer> DECIMAL = Map.of(
      "n", -9, "u", -6, "m", -3, "", 0, "k", 3, "M", 6, "G", 9, "T", 12, "P", 15, "E", 18);
  private static final String[] BINARY_SUFFIXES = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  private static final BigDecimal KIBI = BigDecimal.valueOf(1024);

  /**
   * Parses a quantity.
   *
   * @throws IllegalArgumentException if the text is not one
   */
  public static Quantity parse(String text) {
    int split = 0;
    while (split < text.length() && "+-0123456789.".indexOf(text.charAt(split)) >= 0) {
      split++;
    }
    String number = text.substring(0, split);
    String suffix = text.substring(split);
    BigDecimal mantissa;
    try {
      mantissa = new BigDecimal(number);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("quantities must match the regular expression"
          + " '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    }
    if (BINARY.containsKey(suffix)) {
      return new Quantity(mantissa.multiply(KIBI.pow(BINARY.get(suffix))).stripTrailingZeros(),
          Format.BINARY_SI);
    }
    if (DECIMAL.containsKey(suffix)) {
      return new Quantity(mantissa.scaleByPowerOfTen(DECIMAL.get(suffix)).stripTrailingZeros(),
          Format.DECIMAL_SI);
    }
    if (suffix.matches("[eE][+-]?[0-9]+")) {
      int exponent = Integer.parseInt(suffix.substring(1));
      return new Quantity(mantissa.scaleByPowerOfTen(exponent).stripTrailingZeros(),
          Format.DECIMAL_EXPONENT);
    }
    throw new IllegalArgumentException("unable to parse quantity's suffix");
  }

  /** A quantity written in JSON (a string, or a bare number), if it is one. */
  public static Optional<Quantity> of(JsonValue value) {
    try {
      if (value instanceof JsonString text) {
        return Optional.of(parse(text.getString()));
      }
      if (value instanceof JsonNumber number) {
        return Optional.of(new Quantity(number.bigDecimalValue().stripTrailingZeros(),
            Format.DECIMAL_SI));
      }
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /** A whole count, such as a number of objects. */
  public static Quantity count(long value) {
    return new Quantity(BigDecimal.valueOf(value), Format.DECIMAL_SI);
  }

  /** The sum, in this quantity's format (or the other's when this one is zero, as Kubernetes). */
  public Quantity plus(Quantity other) {
    return new Quantity(amount.add(other.amount).stripTrailingZeros(),
        isZero() ? other.format : format);
  }

  public Quantity max(Quantity other) {
    return compareTo(other) >= 0 ? this : other;
  }

  public boolean isZero() {
    return amount.signum() == 0;
  }

  /** The amount in thousandths, rounded up (millicores for cpu). */
  public long milliValue() {
    return amount.movePointRight(3).setScale(0, java.math.RoundingMode.CEILING).longValue();
  }

  /** The amount rounded up to a whole number (bytes for memory). */
  public long value() {
    return amount.setScale(0, java.math.RoundingMode.CEILING).longValue();
  }

  @Override
  public int compareTo(Quantity other) {
    return amount.compareTo(other.amount);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Quantity quantity && amount.compareTo(quantity.amount) == 0;
  }

  @Override
  public int hashCode() {
    return amount.stripTrailingZeros().hashCode();
  }

  /** Kubernetes' canonical form. */
  @Override
  public String toString() {
    if (isZero()) {
      return "0";
    }
    if (format == Format.BINARY_SI && amount.abs().compareTo(KIBI) >= 0
        && amount.stripTrailingZeros().scale() <= 0) {
      BigInteger whole = amount.toBigIntegerExact();
      int power = 0;
      BigInteger kibi = BigInteger.valueOf(1024);
      while (power < 6 && whole.mod(kibi).signum() == 0) {
        whole = whole.divide(kibi);
        power++;
      }
      return whole + BINARY_SUFFIXES[power];
    }
    // the largest power of 1000 (from nano to exa) that leaves a whole mantissa
    BigDecimal rounded = amount.setScale(9, java.math.RoundingMode.CEILING);
    for (int exponent = 18; exponent >= -9; exponent -= 3) {
      BigDecimal mantissa = rounded.scaleByPowerOfTen(-exponent).stripTrailingZeros();
      if (mantissa.scale() <= 0) {
        String digits = mantissa.toBigInteger().toString();
        if (format == Format.DECIMAL_EXPONENT) {
          return exponent == 0 ? digits : digits + "e" + exponent;
        }
        return digits + decimalSuffix(exponent);
      }
    }
    return rounded.toPlainString();
  }

  private static String decimalSuffix(int exponent) {
    return DECIMAL.entrySet().stream().filter(e -> e.getValue() == exponent)
        .map(Map.Entry::getKey).findFirst().orElse("");
  }
}
