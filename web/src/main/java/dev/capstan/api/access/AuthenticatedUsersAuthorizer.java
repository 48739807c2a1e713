package dev.capstan.api.access;

import dev.capstan.access.User;
import jakarta.enterprise.context.ApplicationScoped;

/** Allows every authenticated user everything, until RBAC replaces it. */
@ApplicationScoped
public class AuthenticatedUsersAuthorizer implements Authorizer {

  @Override
  public int order() {
    return Integer.MAX_VALUE;
  }

  @Override
  public Decision authorize(User user, RequestInfo request) {
    return Decision.allow("");
  }
}
