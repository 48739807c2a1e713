package dev.capstan.api.access;

import dev.capstan.access.User;
import java.util.Optional;

/**
 * One way of recognising a bearer token (Kubernetes' token authenticators): the static token
 * file, ServiceAccount tokens, ... Every CDI bean implementing this takes part; the first that
 * recognises a token names its user.
 */
public interface Authenticator {

  /** The user the token belongs to, or empty if this authenticator does not recognise it. */
  Optional<User> authenticate(String bearerToken);
}
