package dev.capstan.api.access;

/**
 * The one authorization decision every request passes after authentication: may this user do
 * this? Today every authenticated user may do everything; RBAC (a later issue) replaces the
 * implementation, not the callers.
 */
public interface Authorizer {

  /** @param method the HTTP method; @param path the request path, e.g. {@code api/v1/pods} */
  boolean allows(User user, String method, String path);
}
