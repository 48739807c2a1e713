package dev.capstan.api.access;

import dev.capstan.access.User;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Tokens from the static token file ({@code -Dcapstan.token.file}, written by the launcher;
 * kube-apiserver's {@code --token-auth-file}). Without a configured file it recognises nothing:
 * there is no open mode.
 */
@ApplicationScoped
public class StaticTokenAuthenticator implements Authenticator {

  static final String TOKEN_FILE_PROPERTY = "capstan.token.file";

  private Optional<TokenFile> tokens;

  @PostConstruct
  void loadTokens() {
    tokens = Optional.ofNullable(System.getProperty(TOKEN_FILE_PROPERTY))
        .filter(path -> !path.isBlank())
        .map(path -> new TokenFile(Path.of(path)));
  }

  @Override
  public Optional<User> authenticate(String bearerToken) {
    return tokens.flatMap(file -> file.authenticate(bearerToken));
  }
}
