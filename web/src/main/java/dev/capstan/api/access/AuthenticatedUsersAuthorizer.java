package dev.capstan.api.access;

import jakarta.enterprise.context.ApplicationScoped;

/** Allows every authenticated user everything, until RBAC. */
@ApplicationScoped
public class AuthenticatedUsersAuthorizer implements Authorizer {

  @Override
  public boolean allows(User user, String method, String path) {
    return true;
  }
}
