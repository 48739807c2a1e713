package dev.capstan.validation.schema;

import java.util.Optional;

/**
 * Checks base64 text as Go's {@code base64.StdEncoding} decodes it (what a Secret's {@code data}
 * goes through in kube-apiserver): the standard alphabet, padded to whole quanta, line breaks
 * ignored; the error names the first byte that breaks it, as Go's {@code CorruptInputError}.
 */
final class Base64Text {

  private Base64Text() {}

  /** {@code illegal base64 data at input byte N}, or empty when the text decodes. */
  static Optional<String> problem(String text) {
    int quantumStart = 0;
    int inQuantum = 0;
    int padding = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\r' || c == '\n') {
        continue;
      }
      if (inQuantum == 0) {
        if (padding > 0) {
          return corrupt(i); // data after the padding
        }
        quantumStart = i;
      }
      if (c == '=') {
        // padding completes a quantum of 2 or 3 symbols
        if (inQuantum < 2 || (padding == 0 && inQuantum == 2 && !nextIsPad(text, i))) {
          return corrupt(i);
        }
        padding++;
      } else if (padding > 0 || !isSymbol(c)) {
        return corrupt(i);
      }
      inQuantum = (inQuantum + 1) % 4;
    }
    if (inQuantum != 0) {
      return corrupt(quantumStart);
    }
    return Optional.empty();
  }

  private static boolean nextIsPad(String text, int i) {
    for (int j = i + 1; j < text.length(); j++) {
      char c = text.charAt(j);
      if (c != '\r' && c != '\n') {
        return c == '=';
      }
    }
    return false;
  }

  private static boolean isSymbol(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
        || c == '+' || c == '/';
  }

  private static Optional<String> corrupt(int offset) {
    return Optional.of("illegal base64 data at input byte " + offset);
  }
}
