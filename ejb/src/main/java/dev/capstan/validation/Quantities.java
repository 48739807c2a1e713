package dev.capstan.validation;

import dev.capstan.resources.Quantity;

/**
 * Kubernetes resource quantities ({@code 500m}, {@code 1.5}, {@code 512Mi}, {@code 1e3}): the
 * syntax check, by {@link Quantity}'s parser, with Kubernetes' error wording.
 */
public final class Quantities {

  private static final String REGEX = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

  private Quantities() {}

  /** Whether the text is a well-formed quantity. */
  public static boolean isValid(String text) {
    try {
      Quantity.parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Kubernetes' message for a malformed quantity. */
  public static String problem() {
    return "quantities must match the regular expression '" + REGEX + "'";
  }
}
