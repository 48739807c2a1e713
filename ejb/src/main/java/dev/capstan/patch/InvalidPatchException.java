package dev.capstan.patch;

/** A patch that is malformed or cannot be applied; the message says what failed. */
public class InvalidPatchException extends RuntimeException {

  public InvalidPatchException(String message) {
    super(message);
  }

  public InvalidPatchException(String message, Throwable cause) {
    super(message, cause);
  }
}
