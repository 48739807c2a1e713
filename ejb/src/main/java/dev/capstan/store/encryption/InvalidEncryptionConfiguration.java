package dev.capstan.store.encryption;

/** An encryption configuration the server must not run with; the message names the field. */
public class InvalidEncryptionConfiguration extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public InvalidEncryptionConfiguration(String message) {
    super(message);
  }
}
