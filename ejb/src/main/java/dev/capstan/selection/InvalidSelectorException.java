package dev.capstan.selection;

/** A label or field selector that does not parse; the message says what is wrong, in Kubernetes' words. */
public class InvalidSelectorException extends RuntimeException {

  public InvalidSelectorException(String message) {
    super(message);
  }
}
