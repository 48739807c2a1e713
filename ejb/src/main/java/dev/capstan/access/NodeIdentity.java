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
  /** A node agent's bootstrap identity: {@code system:bootstrap:<node>}, before it has its own. */
  public static final String BOOTSTRAP_PREFIX = "system:bootstrap:";
  public static final String BOOTSTRAPPERS_GROUP = "system:bootstrappers";

  private NodeIdentity() {}

  /** The node's name; empty for anyone who is not a node. */
  public static Optional<String> nodeName(User user) {
    if (!user.name().startsWith(USER_PREFIX) || !user.inGroup(NODES_GROUP)) {
      return Optional.empty();
    }
    String node = user.name().substring(USER_PREFIX.length());
    return node.isEmpty() ? Optional.empty() : Optional.of(node);
  }

  /**
   * The node whose bootstrap identity this is ({@code system:bootstrap:<node>} in
   * {@code system:bootstrappers}, Kubernetes' bootstrap token users, whose token id is here the
   * node's name): it may ask for that node's credential alone. Empty for anyone else.
   */
  public static Optional<String> bootstrapNodeName(User user) {
    if (!user.name().startsWith(BOOTSTRAP_PREFIX) || !user.inGroup(BOOTSTRAPPERS_GROUP)) {
      return Optional.empty();
    }
    String node = user.name().substring(BOOTSTRAP_PREFIX.length());
    return node.isEmpty() ? Optional.empty() : Optional.of(node);
  }
}
