package dev.capstan.agent.credentials;

/**
 * The credential the agent's requests carry now, and what to do when the API refuses it.
 * Either one given outright ({@link #fixed}) or one the agent keeps and renews
 * ({@link CredentialManager}).
 */
public interface CredentialSource {

  /** The bearer token for the next request. */
  String token();

  /**
   * The API answered 401 to a request that carried {@code used}.
   *
   * @return whether there is now another credential worth retrying with
   */
  boolean refused(String used);

  /** A credential given outright ({@code CAPSTAN_TOKEN}): never replaced. */
  static CredentialSource fixed(String token) {
    return new CredentialSource() {
      @Override
      public String token() {
        return token;
      }

      @Override
      public boolean refused(String used) {
        return false;
      }
    };
  }
}
