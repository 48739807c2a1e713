package dev.capstan.validation;

import java.util.regex.Pattern;

/**
 * Kubernetes resource quantities ({@code 500m}, {@code 1.5}, {@code 512Mi}, {@code 1e3}): the
 * syntax check with Kubernetes' error wording. Arithmetic on quantities comes with scheduling.
 */
public final class Quantities {

  private static final String REGEX = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";
  private static final Pattern NUMBER = Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)");
  private static final Pattern SUFFIX =
      Pattern.compile("|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+");

  private Quantities() {}

  /** Whether the text is a well-formed quantity. */
  public static boolean isValid(String text) {
    int split = 0;
    while (split < text.length() && "+-0123456789.".indexOf(text.charAt(split)) >= 0) {
      split++;
    }
    // An exponent like 1e3 starts with a letter; split before it as Kubernetes does.
    String number = text.substring(0, split);
    String suffix = text.substring(split);
    return !number.isEmpty() && NUMBER.matcher(number).matches() && SUFFIX.matcher(suffix).matches();
  }

  /** Kubernetes' message for a malformed quantity. */
  public static String problem() {
    return "quantities must match the regular expression '" + REGEX + "'";
  }
}
