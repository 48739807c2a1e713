package dev.capstan.errors;

/** Reduces a chain of wrapped exceptions to the sentence that explains it: the innermost one. */
public final class RootCause {

  private RootCause() {}

  /** The innermost cause's message, or its class name when it has none. */
  public static String message(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
  }
}
