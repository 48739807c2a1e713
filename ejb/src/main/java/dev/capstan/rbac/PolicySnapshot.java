package dev.capstan.rbac;

import dev.capstan.access.User;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every Role, ClusterRole and binding at one moment, indexed for Kubernetes' rule resolver
 * ({@code DefaultRuleResolver.VisitRulesFor}): ClusterRoleBindings grant everywhere,
 * RoleBindings (to a Role of their namespace or to a ClusterRole) only in their namespace. A
 * binding to a role that does not exist grants nothing and is reported as an error. Immutable:
 * {@link RbacPolicy} replaces it when RBAC objects change.
 */
public final class PolicySnapshot {

  /** Where some rules come from, and the rules. */
  public record Grant(String source, List<PolicyRule> rules) {}

  /** The rules that apply to a user, and the bindings whose role could not be found. */
  public record Resolution(List<Grant> grants, List<String> errors) {

    public List<PolicyRule> rules() {
      return grants.stream().flatMap(grant -> grant.rules().stream()).toList();
    }
  }

  private final long generation;
  private final Map<String, List<PolicyRule>> clusterRoles = new HashMap<>();
  private final Map<String, List<PolicyRule>> roles = new HashMap<>();
  /** Bindings by subject key ({@code u:<user>}, {@code g:<group>}), in list order. */
  private final Map<String, List<Binding>> clusterBindings = new HashMap<>();
  private final Map<String, Map<String, List<Binding>>> namespaceBindings = new HashMap<>();

  public PolicySnapshot(long generation, List<JsonObject> clusterRoles, List<JsonObject> roles,
      List<JsonObject> clusterRoleBindings, List<JsonObject> roleBindings) {
    this.generation = generation;
    clusterRoles.forEach(role -> this.clusterRoles.put(nameOf(role), PolicyRule.rulesOf(role)));
    roles.forEach(role -> this.roles.put(namespaceOf(role) + "/" + nameOf(role),
        PolicyRule.rulesOf(role)));
    for (JsonObject json : clusterRoleBindings) {
      Binding binding = Binding.fromJson(json);
      if (!binding.namespace().isEmpty()) {
        continue;
      }
      index(clusterBindings, binding);
    }
    for (JsonObject json : roleBindings) {
      Binding binding = Binding.fromJson(json);
      index(namespaceBindings.computeIfAbsent(binding.namespace(), ns -> new HashMap<>()),
          binding);
    }
  }

  private static void index(Map<String, List<Binding>> index, Binding binding) {
    Set<String> keys = new LinkedHashSet<>();
    binding.subjects().forEach(subject -> keys.add(subject.indexKey(binding.namespace())));
    keys.forEach(key -> index.computeIfAbsent(key, k -> new ArrayList<>()).add(binding));
  }

  public long generation() {
    return generation;
  }

  /** The ClusterRole's rules, if it exists. */
  public Optional<List<PolicyRule>> clusterRole(String name) {
    return Optional.ofNullable(clusterRoles.get(name));
  }

  /**
   * The rules granted to a user in a namespace (cluster-wide grants only, for an empty
   * namespace), in Kubernetes' order: ClusterRoleBindings, then the namespace's RoleBindings.
   */
  public Resolution resolve(User user, String namespace) {
    List<Grant> grants = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    collect(clusterBindings, user, grants, errors);
    if (!namespace.isEmpty()) {
      collect(namespaceBindings.getOrDefault(namespace, Map.of()), user, grants, errors);
    }
    return new Resolution(grants, errors);
  }

  private void collect(Map<String, List<Binding>> index, User user, List<Grant> grants,
      List<String> errors) {
    if (index.isEmpty()) {
      return;
    }
    Set<Binding> seen = new LinkedHashSet<>();
    addAll(seen, index.get("u:" + user.name()));
    for (String group : user.groups()) {
      addAll(seen, index.get("g:" + group));
    }
    for (Binding binding : seen) {
      Optional<List<PolicyRule>> rules = roleRules(binding.roleKind(), binding.roleName(),
          binding.namespace());
      if (rules.isEmpty()) {
        errors.add(notFound(binding.roleKind(), binding.roleName()));
        continue;
      }
      for (Subject subject : binding.subjects()) {
        if (subject.appliesTo(user, binding.namespace())) {
          grants.add(new Grant(binding.describe(subject), rules.get()));
          break;
        }
      }
    }
  }

  private static void addAll(Set<Binding> seen, List<Binding> bindings) {
    if (bindings != null) {
      seen.addAll(bindings);
    }
  }

  /** The rules a roleRef names, as {@code GetRoleReferenceRules}: empty if it is missing. */
  public Optional<List<PolicyRule>> roleRules(String kind, String name, String namespace) {
    return switch (kind) {
      case "ClusterRole" -> Optional.ofNullable(clusterRoles.get(name));
      case "Role" -> Optional.ofNullable(roles.get(namespace + "/" + name));
      default -> Optional.empty();
    };
  }

  /** A missing role, as Kubernetes' listers word it. */
  public static String notFound(String kind, String name) {
    return kind.toLowerCase(java.util.Locale.ROOT) + ".rbac.authorization.k8s.io \"" + name
        + "\" not found";
  }

  private static String nameOf(JsonObject object) {
    return dev.capstan.json.JsonFields.object(object, "metadata").getString("name", "");
  }

  private static String namespaceOf(JsonObject object) {
    return dev.capstan.json.JsonFields.object(object, "metadata").getString("namespace", "");
  }
}
