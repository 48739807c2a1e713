package dev.capstan.api.options;

/**
 * Values printed as kube-apiserver prints them in its messages, which Go formats: {@code %q}
 * quoting, {@code %#U} code points, {@code unicode.IsPrint}.
 */
public final class GoStrings {

  private GoStrings() {}

  /** Go's {@code %q}: double quotes, backslash escapes for quotes and unprintable characters. */
  public static String quote(String value) {
    StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
    value.codePoints().forEach(c -> {
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\r' -> quoted.append("\\r");
        case '\t' -> quoted.append("\\t");
        case 7 -> quoted.append("\\a");
        case 8 -> quoted.append("\\b");
        case 12 -> quoted.append("\\f");
        case 11 -> quoted.append("\\v");
        default -> {
          if (isPrint(c)) {
            quoted.appendCodePoint(c);
          } else if (c < 0x80) {
            quoted.append(String.format("\\x%02x", c));
          } else if (c < 0x10000) {
            quoted.append(String.format("\\u%04x", c));
          } else {
            quoted.append(String.format("\\U%08x", c));
          }
        }
      }
    });
    return quoted.append('"').toString();
  }

  /** Go's {@code %#U}: {@code U+0041 'A'}, or just {@code U+0001} when it does not print. */
  static String codePoint(int c) {
    String hex = String.format("U+%04X", c);
    return isPrint(c) ? hex + " '" + new String(Character.toChars(c)) + "'" : hex;
  }

  /** Go's {@code unicode.IsPrint}: letters, marks, numbers, punctuation, symbols, ASCII space. */
  static boolean isPrint(int c) {
    if (c == ' ') {
      return true;
    }
    return switch (Character.getType(c)) {
      case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
          Character.UNASSIGNED, Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR -> false;
      default -> true;
    };
  }
}
