package dev.capstan.agent.credentials;

import java.io.IOException;

/** Who gives the node a new credential: the API, asked with a credential it should accept. */
public interface CredentialIssuer {

  /**
   * A new credential of the node, asked for with {@code bearer} (the bootstrap token, or the
   * current credential to rotate it).
   *
   * @throws Refused when the API does not accept {@code bearer} (401) or does not let it (403)
   * @throws IOException when the API cannot be asked (down, unreachable, 5xx)
   */
  NodeCredential request(String bearer) throws Refused, IOException;

  /** The API answered 401 or 403: this bearer will not do. */
  final class Refused extends Exception {
    public Refused(String message) {
      super(message);
    }
  }
}
