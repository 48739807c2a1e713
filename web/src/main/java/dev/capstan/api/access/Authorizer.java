package dev.capstan.api.access;

import dev.capstan.access.User;

/**
 * One authorization mode (Kubernetes' {@code --authorization-mode=Node,RBAC}): every CDI bean
 * implementing this takes part, in the order of {@link #order()}. The first that allows or
 * denies decides; when all have no opinion the request is refused.
 */
public interface Authorizer {

  /** Where this authorizer stands in the chain: lower asks first. */
  int order();

  Decision authorize(User user, RequestInfo request);
}
