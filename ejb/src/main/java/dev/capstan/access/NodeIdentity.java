package dev.capstan.access;

import java.util.Optional;

/**
 * Which node a user is (Kubernetes' {@code nodeidentifier}): a node agent's credential names
 * {@code system:node:<name>} in the group {@code system:nodes}; a name without the group is no
 * node. The node authorizer and NodeRestriction admission both ask here.
 */
public final class NodeIdentity {

  public static final String USER_PREFIX = "system:node:";
  public static final String NODES_GROUP = "system:nodes";

  private NodeIdentity() {}

  /** The node's name; empty for anyone who is not a node. */
  public static Optional<String> nodeName(User user) {
    if (!user.name().startsWith(USER_PREFIX) || !user.inGroup(NODES_GROUP)) {
      return Optional.empty();
    }
    String node = user.name().substring(USER_PREFIX.length());
    return node.isEmpty() ? Optional.empty() : Optional.of(node);
  }
}
