package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.rbac.Aggregation;
import dev.capstan.rbac.PolicyRule;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import dev.capstan.watch.Change;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * kube-controller-manager's clusterrole-aggregation controller: the {@code rules} of every
 * ClusterRole with an {@code aggregationRule} are the rules of the ClusterRoles it selects
 * ({@link Aggregation}). Any ClusterRole change requeues every aggregated role; a role's rules
 * are written only when they differ, with its resourceVersion as precondition.
 */
final class ClusterRoleAggregationController implements Controller {

  private final ObjectStore store;

  ClusterRoleAggregationController(ObjectStore store) {
    this.store = store;
  }

  @Override
  public String name() {
    return "clusterrole aggregation controller";
  }

  @Override
  public Set<String> keysFor(Change change) {
    if (!ControllerKeys.isOf(change, ResourceTypes.CLUSTER_ROLE)) {
      return Set.of();
    }
    return Set.copyOf(allKeys());
  }

  @Override
  public Collection<String> allKeys() {
    return clusterRoles().stream().filter(Aggregation::isAggregated)
        .map(role -> object(role, "metadata").getString("name", ""))
        .collect(Collectors.toSet());
  }

  @Override
  public void reconcile(String name) {
    Optional<JsonObject> role = store.get(ResourceTypes.CLUSTER_ROLE.key("", name))
        .map(stored -> stored.json());
    if (role.isEmpty() || !Aggregation.isAggregated(role.get())) {
      return;
    }
    List<PolicyRule> rules = Aggregation.rules(role.get(), clusterRoles());
    if (rules.equals(PolicyRule.rulesOf(role.get()))) {
      return;
    }
    JsonArrayBuilder array = Json.createArrayBuilder();
    rules.forEach(rule -> array.add(rule.toJson()));
    JsonObject updated = Json.createObjectBuilder(role.get()).add("rules", array).build();
    try {
      store.update(ResourceTypes.CLUSTER_ROLE.key("", name),
          ResourceTypes.CLUSTER_ROLE.apiVersion(),
          new Preconditions(Optional.empty(), ObjectMetadata.resourceVersion(role.get())),
          current -> updated);
    } catch (ConflictException e) {
      throw new SyncConflict(e);
    } catch (NotFoundException e) {
      // deleted meanwhile: nothing to aggregate
    }
  }

  private List<JsonObject> clusterRoles() {
    return store.list(ResourceTypes.CLUSTER_ROLE.all(Optional.empty(), "")).bodies();
  }
}
