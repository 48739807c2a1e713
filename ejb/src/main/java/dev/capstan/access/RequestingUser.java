package dev.capstan.access;

import jakarta.enterprise.context.RequestScoped;
import java.util.Optional;

/**
 * The user on whose behalf the current HTTP request runs, for the layers below the API (admission
 * plugins such as NodeRestriction, the audit log). Set once by the API's access filter after
 * authentication and impersonation. Work that no request started (controllers, timers) has no
 * requesting user: such writes are the control plane's own.
 */
@RequestScoped
public class RequestingUser {

  private User user;

  public void set(User user) {
    this.user = user;
  }

  /** The requesting user, or empty outside an API request. */
  public Optional<User> get() {
    return Optional.ofNullable(user);
  }
}
