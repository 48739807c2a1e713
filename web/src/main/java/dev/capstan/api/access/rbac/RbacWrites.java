package dev.capstan.api.access.rbac;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.access.RequestingUser;
import dev.capstan.access.User;
import dev.capstan.api.access.AccessControl;
import dev.capstan.api.access.RequestInfo;
import dev.capstan.api.status.Statuses;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.rbac.Aggregation;
import dev.capstan.rbac.Coverage;
import dev.capstan.rbac.PolicyRule;
import dev.capstan.rbac.PolicySnapshot;
import dev.capstan.rbac.RbacPolicy;
import dev.capstan.validation.ObjectValidation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * Escalation prevention on RBAC writes (Kubernetes' RBAC storage, {@code ConfirmNoEscalation}):
 * no one creates or updates a Role or ClusterRole with rules they do not hold themselves unless
 * allowed {@code escalate} on it, and no one binds a role whose rules they do not hold unless
 * allowed {@code bind} on it. {@code system:masters} and the control plane's own writes (no
 * requesting user) are exempt. Also the update rule validation cannot express alone: a
 * binding's {@code roleRef} never changes.
 */
@ApplicationScoped
public class RbacWrites {

  private static final List<PolicyRule> FULL_AUTHORITY = List.of(
      PolicyRule.resources(List.of("*"), List.of("*"), List.of("*")),
      PolicyRule.urls(List.of("*"), List.of("*")));

  @Inject
  private RequestingUser requestingUser;

  @Inject
  private AccessControl access;

  @Inject
  private RbacPolicy policy;

  public static boolean isRbac(ResourceType type) {
    return type.group().equals(ResourceTypes.RBAC_GROUP);
  }

  /** Refuses (403) a new RBAC object that would grant its creator's missing permissions. */
  public void checkCreate(ResourceType type, String namespace, JsonObject object) {
    if (isRbac(type)) {
      check(type, namespace, object, Optional.empty());
    }
  }

  /**
   * Refuses (403) an escalating update (a changed roleRef is validation's 422, refused before:
   * {@code ObjectValidation.validateUpdate}).
   */
  public void checkUpdate(ResourceType type, String namespace, JsonObject current,
      JsonObject desired) {
    if (!isRbac(type)) {
      return;
    }
    check(type, namespace, desired, Optional.of(current));
  }

  private void check(ResourceType type, String namespace, JsonObject object,
      Optional<JsonObject> current) {
    Optional<User> requester = requestingUser.get();
    if (requester.isEmpty() || requester.get().inGroup(User.MASTERS)) {
      return;
    }
    User user = requester.get();
    String name = ObjectValidation.nameOf(object);
    String ns = type.namespaced() ? namespace : "";
    PolicySnapshot snapshot = policy.snapshot();
    boolean role = type == ResourceTypes.ROLE || type == ResourceTypes.CLUSTER_ROLE;
    if (role) {
      if (current.isPresent() && PolicyRule.rulesOf(current.get())
          .equals(PolicyRule.rulesOf(object))
          && Aggregation.isAggregated(current.get()) == Aggregation.isAggregated(object)) {
        return; // the rules do not change: labels, annotations, finalizers may
      }
      if (allowed(user, "escalate", type.plural(), ns, name)) {
        return;
      }
      List<PolicyRule> held = snapshot.resolve(user, ns).rules();
      confirmNoEscalation(type, name, user, held, PolicyRule.rulesOf(object));
      if (type == ResourceTypes.CLUSTER_ROLE && Aggregation.isAggregated(object)
          && !Coverage.missing(held, FULL_AUTHORITY).isEmpty()) {
        throw forbidden(type, name, "must have cluster-admin privileges to use the aggregationRule");
      }
      return;
    }
    JsonObject roleRef = object(object, "roleRef");
    String roleKind = roleRef.getString("kind", "");
    String roleName = roleRef.getString("name", "");
    if (current.isPresent() && object(current.get(), "roleRef").equals(roleRef)
        && current.get().get("subjects") != null
        && current.get().get("subjects").equals(object.get("subjects"))) {
      return; // who is bound to what does not change
    }
    String roleResource = roleKind.equals("Role") ? "roles" : "clusterroles";
    if (allowed(user, "bind", roleResource, ns, roleName)) {
      return;
    }
    Optional<List<PolicyRule>> rules = snapshot.roleRules(roleKind, roleName, ns);
    if (rules.isEmpty()) {
      throw forbidden(type, name, PolicySnapshot.notFound(roleKind, roleName));
    }
    confirmNoEscalation(type, name, user, snapshot.resolve(user, ns).rules(), rules.get());
  }

  private static void confirmNoEscalation(ResourceType type, String name, User user,
      List<PolicyRule> held, List<PolicyRule> granted) {
    List<PolicyRule> missing = Coverage.missing(held, granted);
    if (!missing.isEmpty()) {
      throw forbidden(type, name, "user \"" + user.name() + "\" (groups="
          + PolicyRule.quoted(user.groups()) + ") is attempting to grant RBAC permissions not"
          + " currently held:\n" + Coverage.describe(missing));
    }
  }

  private boolean allowed(User user, String verb, String resource, String namespace,
      String name) {
    return access.authorize(user, new RequestInfo(true, verb, "", ResourceTypes.RBAC_GROUP,
        "v1", namespace, resource, "", name)).allowed();
  }

  private static RuntimeException forbidden(ResourceType type, String name, String reason) {
    return Statuses.forbidden(type.plural(), name, type.qualifiedPlural() + " \"" + name
        + "\" is forbidden: " + reason);
  }
}
