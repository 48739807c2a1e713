package dev.capstan.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AggregationTest {

  private static final List<JsonObject> BOOTSTRAP = BootstrapRoles.clusterRoles().stream()
      .map(BootstrapRoles::toJson).toList();

  private static JsonObject role(String name) {
    return BOOTSTRAP.stream().filter(r -> Aggregation.nameOf(r).equals(name)).findFirst()
        .orElseThrow();
  }

  @Test
  void viewHoldsTheRulesOfTheRolesLabelledAggregateToView() {
    List<PolicyRule> view = Aggregation.rules(role("view"), BOOTSTRAP);

    assertThat(view).containsExactlyInAnyOrderElementsOf(java.util.stream.Stream.concat(
        PolicyRule.rulesOf(role("system:aggregate-to-view")).stream(),
        PolicyRule.rulesOf(role("system:aggregated-metrics-reader")).stream()).toList());
    assertThat(view).anyMatch(rule -> rule.allowsResource("list", "metrics.k8s.io", "pods", "",
        ""));
    assertThat(view).anyMatch(rule -> rule.allowsResource("list", "", "pods", "", ""));
    assertThat(view).noneMatch(rule -> rule.allowsResource("get", "", "secrets", "", "x"));
  }

  @Test
  void editAggregatesItsOwnRolesAndView() {
    JsonObject view = withRules(role("view"), Aggregation.rules(role("view"), BOOTSTRAP));
    List<JsonObject> roles = BOOTSTRAP.stream()
        .map(r -> Aggregation.nameOf(r).equals("view") ? view : r).toList();

    List<PolicyRule> edit = Aggregation.rules(role("edit"), roles);

    assertThat(edit).anyMatch(rule -> rule.allowsResource("create", "", "pods", "", ""));
    assertThat(edit).anyMatch(rule -> rule.allowsResource("list", "", "pods", "", ""));
    assertThat(edit).noneMatch(rule -> rule.allowsResource("create", "rbac.authorization.k8s.io",
        "rolebindings", "", ""));
  }

  @Test
  void aNewRoleWithTheLabelIsAggregatedOnceAndTheRoleItselfIsSkipped() {
    JsonObject crd = Json.createObjectBuilder()
        .add("metadata", Json.createObjectBuilder().add("name", "widgets-view")
            .add("labels", Json.createObjectBuilder(Map.of(
                BootstrapRoles.AGGREGATE_TO + "view", "true"))))
        .add("rules", Json.createArrayBuilder().add(PolicyRule.resources(List.of("get"),
            List.of("example.com"), List.of("widgets")).toJson())
            .add(PolicyRule.resources(List.of("get"), List.of("example.com"),
                List.of("widgets")).toJson()))
        .build();
    List<JsonObject> roles = new java.util.ArrayList<>(BOOTSTRAP);
    roles.add(crd);

    List<PolicyRule> view = Aggregation.rules(role("view"), roles);

    assertThat(view.stream().filter(rule -> rule.apiGroups().contains("example.com")))
        .hasSize(1);
  }

  private static JsonObject withRules(JsonObject role, List<PolicyRule> rules) {
    var array = Json.createArrayBuilder();
    rules.forEach(rule -> array.add(rule.toJson()));
    return Json.createObjectBuilder(role).add("rules", array).build();
  }
}
