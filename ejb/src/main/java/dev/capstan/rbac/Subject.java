package dev.capstan.rbac;

import dev.capstan.access.User;
import jakarta.json.JsonObject;

/**
 * Whom a binding grants to: a {@code User}, a {@code Group} or a {@code ServiceAccount} (whose
 * user name is {@code system:serviceaccount:<namespace>:<name>}).
 */
public record Subject(String kind, String apiGroup, String name, String namespace) {

  public static final String USER = "User";
  public static final String GROUP = "Group";
  public static final String SERVICE_ACCOUNT = "ServiceAccount";
  public static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

  public static Subject fromJson(JsonObject subject) {
    return new Subject(subject.getString("kind", ""), subject.getString("apiGroup", ""),
        subject.getString("name", ""), subject.getString("namespace", ""));
  }

  /** Kubernetes' {@code appliesToUser}; a ServiceAccount without namespace is the binding's. */
  public boolean appliesTo(User user, String bindingNamespace) {
    return switch (kind) {
      case USER -> user.name().equals(name);
      case GROUP -> user.inGroup(name);
      case SERVICE_ACCOUNT -> {
        String ns = namespace.isEmpty() ? bindingNamespace : namespace;
        yield !ns.isEmpty() && user.name().equals(SERVICE_ACCOUNT_PREFIX + ns + ":" + name);
      }
      default -> false;
    };
  }

  /** As Kubernetes describes it in a decision's reason: {@code User "jane"}. */
  public String describe(String bindingNamespace) {
    if (kind.equals(SERVICE_ACCOUNT)) {
      return kind + " \"" + name + "/" + (namespace.isEmpty() ? bindingNamespace : namespace)
          + "\"";
    }
    return kind + " \"" + name + "\"";
  }

  /** The user name this subject stands for, or the group name for a group. */
  String indexKey(String bindingNamespace) {
    return switch (kind) {
      case GROUP -> "g:" + name;
      case SERVICE_ACCOUNT -> "u:" + SERVICE_ACCOUNT_PREFIX
          + (namespace.isEmpty() ? bindingNamespace : namespace) + ":" + name;
      default -> "u:" + name;
    };
  }
}
