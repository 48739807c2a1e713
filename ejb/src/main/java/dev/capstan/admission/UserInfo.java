package dev.capstan.admission;

import java.util.List;
import java.util.Optional;

/**
 * Who asks for a write, as admission sees them (Kubernetes' {@code user.Info}): the API's
 * authentication names the user and their groups, and the request carries them into the
 * control plane's decisions. Writes of the control plane itself (controllers, the scheduler)
 * have no user.
 *
 * @param name e.g. {@code admin} or {@code system:node:worker-1}
 * @param groups e.g. {@code system:masters}, {@code system:nodes}
 */
public record UserInfo(String name, List<String> groups) {

  private static final String NODE_PREFIX = "system:node:";
  public static final String NODES_GROUP = "system:nodes";

  public UserInfo {
    groups = List.copyOf(groups);
  }

  /**
   * The node this user is, as Kubernetes' node identifier tells: a name
   * {@code system:node:<name>} and the group {@code system:nodes}; empty for anyone else.
   */
  public Optional<String> nodeName() {
    if (!name.startsWith(NODE_PREFIX) || !groups.contains(NODES_GROUP)) {
      return Optional.empty();
    }
    String node = name.substring(NODE_PREFIX.length());
    return node.isEmpty() ? Optional.empty() : Optional.of(node);
  }
}
