package dev.capstan.access;

import java.security.Principal;
import java.util.List;
import java.util.Map;

/**
 * Who made a request, as an authenticator found them (Kubernetes' {@code user.Info}).
 *
 * @param name the user name, e.g. {@code admin}, {@code system:node:worker-1} or
 *     {@code system:serviceaccount:team-a:reader}
 * @param uid the user's id, empty when the authenticator has none
 * @param groups e.g. {@code system:masters}, {@code system:nodes}; every authenticated user is
 *     also in {@code system:authenticated}
 * @param extra further attributes (a bound token's pod name, ...), Kubernetes' {@code extra}
 */
public record User(String name, String uid, List<String> groups, Map<String, List<String>> extra)
    implements Principal {

  public static final String AUTHENTICATED = "system:authenticated";
  public static final String MASTERS = "system:masters";

  public User {
    groups = List.copyOf(groups);
    extra = Map.copyOf(extra);
  }

  public User(String name, String uid, List<String> groups) {
    this(name, uid, groups, Map.of());
  }

  /** This user with {@code system:authenticated} among the groups, as Kubernetes adds it. */
  public User authenticated() {
    if (groups.contains(AUTHENTICATED)) {
      return this;
    }
    List<String> all = new java.util.ArrayList<>(groups);
    all.add(AUTHENTICATED);
    return new User(name, uid, all, extra);
  }

  public boolean inGroup(String group) {
    return groups.contains(group);
  }

  @Override
  public String getName() {
    return name;
  }
}
