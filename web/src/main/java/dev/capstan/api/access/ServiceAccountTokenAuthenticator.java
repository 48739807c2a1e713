package dev.capstan.api.access;

import dev.capstan.access.User;
import dev.capstan.api.serviceaccounts.ServiceAccountTokenService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;

/**
 * ServiceAccount tokens (kube-apiserver's service account token authenticator): a JWT signed by
 * one of the installation's keys, for the API's audience, whose account and bound object still
 * exist. Names {@code system:serviceaccount:<namespace>:<name>} in {@code system:serviceaccounts}
 * and {@code system:serviceaccounts:<namespace>}. Refusals are logged with their reason, never
 * the token.
 */
@ApplicationScoped
public class ServiceAccountTokenAuthenticator implements Authenticator {

  @Inject
  private ServiceAccountTokenService tokens;

  @Override
  public Optional<User> authenticate(String bearerToken) {
    return tokens.review(bearerToken, List.of()).user();
  }
}
