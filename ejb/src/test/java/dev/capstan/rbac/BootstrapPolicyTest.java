package dev.capstan.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class BootstrapPolicyTest {

  private static JsonObject bootstrapRole(String name) {
    return BootstrapRoles.clusterRoles().stream().filter(role -> role.name().equals(name))
        .map(BootstrapRoles::toJson).findFirst().orElseThrow();
  }

  @Test
  void aRoleThatLostARuleGetsItBackAndKeepsWhatItsOwnerAdded() {
    JsonObject expected = bootstrapRole("system:basic-user");
    PolicyRule added = PolicyRule.resources(List.of("get"), List.of(""), List.of("configmaps"));
    JsonObject current = Json.createObjectBuilder(expected)
        .add("metadata", Json.createObjectBuilder().add("name", "system:basic-user")
            .add("labels", Json.createObjectBuilder().add("team", "platform")))
        .add("rules", Json.createArrayBuilder().add(added.toJson())).build();

    JsonObject reconciled = BootstrapPolicy.reconciled(current, expected);

    assertThat(PolicyRule.rulesOf(reconciled)).startsWith(added)
        .containsAll(PolicyRule.rulesOf(expected));
    assertThat(reconciled.getJsonObject("metadata").getJsonObject("labels"))
        .containsKeys("team", BootstrapRoles.BOOTSTRAPPING);
    assertThat(reconciled.getJsonObject("metadata").getJsonObject("annotations")
        .getString(BootstrapRoles.AUTOUPDATE)).isEqualTo("true");
  }

  @Test
  void reconcilingWhatIsInPlaceChangesNothing() {
    for (BootstrapRoles.Role role : BootstrapRoles.clusterRoles()) {
      JsonObject expected = BootstrapRoles.toJson(role);
      assertThat(BootstrapPolicy.reconciled(expected, expected)).isEqualTo(expected);
    }
    for (BootstrapRoles.RoleBinding binding : BootstrapRoles.clusterRoleBindings()) {
      JsonObject expected = BootstrapRoles.toJson(binding);
      assertThat(BootstrapPolicy.reconciled(expected, expected)).isEqualTo(expected);
    }
  }

  @Test
  void anAggregatedRoleKeepsItsAggregatedRulesAndABindingGetsMissingSubjects() {
    JsonObject view = bootstrapRole("view");
    JsonObject aggregated = Json.createObjectBuilder(view).add("rules", Json.createArrayBuilder()
        .add(PolicyRule.resources(List.of("get"), List.of(""), List.of("pods")).toJson()))
        .build();
    assertThat(BootstrapPolicy.reconciled(aggregated, view)).isEqualTo(aggregated);

    JsonObject binding = BootstrapRoles.clusterRoleBindings().stream()
        .filter(b -> b.name().equals("cluster-admin")).map(BootstrapRoles::toJson).findFirst()
        .orElseThrow();
    JsonObject emptied = Json.createObjectBuilder(binding)
        .add("subjects", Json.createArrayBuilder()).build();
    assertThat(BootstrapPolicy.reconciled(emptied, binding).getJsonArray("subjects"))
        .isEqualTo(binding.getJsonArray("subjects"));
  }
}
