package dev.capstan.rbac;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.json.JsonFields;
import dev.capstan.selection.LabelSelector;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What an aggregated ClusterRole's {@code rules} must be (kube-controller-manager's
 * clusterrole-aggregation controller): the rules of every other ClusterRole its
 * {@code aggregationRule.clusterRoleSelectors} select, selector by selector, roles by name, each
 * rule once.
 */
public final class Aggregation {

  private Aggregation() {}

  public static boolean isAggregated(JsonObject clusterRole) {
    return clusterRole.get("aggregationRule") instanceof JsonObject;
  }

  /** The rules of an aggregated role, from all ClusterRoles. */
  public static List<PolicyRule> rules(JsonObject aggregated, List<JsonObject> clusterRoles) {
    String name = nameOf(aggregated);
    List<JsonObject> byName = clusterRoles.stream()
        .sorted(Comparator.comparing(Aggregation::nameOf)).toList();
    List<PolicyRule> rules = new ArrayList<>();
    for (JsonObject selector : objects(object(aggregated, "aggregationRule"),
        "clusterRoleSelectors")) {
      LabelSelector labels = LabelSelector.fromJson(selector);
      for (JsonObject role : byName) {
        if (nameOf(role).equals(name) || !labels.matches(JsonFields.strings(
            object(object(role, "metadata"), "labels")))) {
          continue;
        }
        for (PolicyRule rule : PolicyRule.rulesOf(role)) {
          if (!rules.contains(rule)) {
            rules.add(rule);
          }
        }
      }
    }
    return rules;
  }

  static String nameOf(JsonObject role) {
    return object(role, "metadata").getString("name", "");
  }
}
