package dev.capstan.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.access.User;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicySnapshotTest {

  private static final User READER = new User("system:serviceaccount:team-a:reader", "",
      List.of("system:serviceaccounts", "system:serviceaccounts:team-a", User.AUTHENTICATED));

  private static JsonObject role(String namespace, String name, PolicyRule... rules) {
    var array = Json.createArrayBuilder();
    for (PolicyRule rule : rules) {
      array.add(rule.toJson());
    }
    var metadata = Json.createObjectBuilder().add("name", name);
    if (!namespace.isEmpty()) {
      metadata.add("namespace", namespace);
    }
    return Json.createObjectBuilder().add("metadata", metadata).add("rules", array).build();
  }

  private static JsonObject binding(String namespace, String name, String roleKind,
      String roleName, JsonObject subject) {
    var metadata = Json.createObjectBuilder().add("name", name);
    if (!namespace.isEmpty()) {
      metadata.add("namespace", namespace);
    }
    return Json.createObjectBuilder().add("metadata", metadata)
        .add("roleRef", Json.createObjectBuilder().add("apiGroup", "rbac.authorization.k8s.io")
            .add("kind", roleKind).add("name", roleName))
        .add("subjects", Json.createArrayBuilder().add(subject)).build();
  }

  private static JsonObject serviceAccount(String name) {
    return Json.createObjectBuilder().add("kind", "ServiceAccount").add("name", name).build();
  }

  private static final PolicyRule LIST_PODS = PolicyRule.resources(List.of("get", "list"),
      List.of(""), List.of("pods"));

  @Test
  void aRoleBindingGrantsOnlyInItsNamespaceToTheServiceAccountOfThatNamespace() {
    PolicySnapshot snapshot = new PolicySnapshot(1, List.of(),
        List.of(role("team-a", "pod-reader", LIST_PODS)), List.of(),
        List.of(binding("team-a", "read-pods", "Role", "pod-reader", serviceAccount("reader"))));

    PolicySnapshot.Resolution inTeamA = snapshot.resolve(READER, "team-a");

    assertThat(inTeamA.rules()).containsExactly(LIST_PODS);
    assertThat(inTeamA.grants().get(0).source()).isEqualTo("RoleBinding \"read-pods/team-a\" of"
        + " Role \"pod-reader\" to ServiceAccount \"reader/team-a\"");
    assertThat(snapshot.resolve(READER, "team-b").rules()).isEmpty();
    assertThat(snapshot.resolve(READER, "").rules()).isEmpty();
    User other = new User("system:serviceaccount:team-b:reader", "", List.of());
    assertThat(snapshot.resolve(other, "team-a").rules()).isEmpty();
  }

  @Test
  void aClusterRoleBindingGrantsEverywhereToAGroup() {
    PolicySnapshot snapshot = new PolicySnapshot(1, List.of(role("", "view", LIST_PODS)),
        List.of(), List.of(binding("", "viewers", "ClusterRole", "view", Json.createObjectBuilder()
            .add("kind", "Group").add("apiGroup", "rbac.authorization.k8s.io")
            .add("name", "system:serviceaccounts").build())), List.of());

    assertThat(snapshot.resolve(READER, "anywhere").rules()).containsExactly(LIST_PODS);
    assertThat(snapshot.resolve(READER, "").rules()).containsExactly(LIST_PODS);
  }

  @Test
  void aBindingToAMissingRoleGrantsNothingAndSaysWhy() {
    PolicySnapshot snapshot = new PolicySnapshot(1, List.of(), List.of(), List.of(),
        List.of(binding("team-a", "dangling", "ClusterRole", "no-such-role",
            serviceAccount("reader"))));

    PolicySnapshot.Resolution resolution = snapshot.resolve(READER, "team-a");

    assertThat(resolution.rules()).isEmpty();
    assertThat(resolution.errors()).containsExactly(
        "clusterrole.rbac.authorization.k8s.io \"no-such-role\" not found");
  }

  @Test
  void aRoleBindingToAClusterRoleGrantsItsRulesInTheNamespaceOnly() {
    PolicySnapshot snapshot = new PolicySnapshot(1, List.of(role("", "view", LIST_PODS)),
        List.of(), List.of(), List.of(binding("team-a", "view", "ClusterRole", "view",
            Json.createObjectBuilder().add("kind", "User").add("name", "jane").build())));
    User jane = new User("jane", "", List.of(User.AUTHENTICATED));

    assertThat(snapshot.resolve(jane, "team-a").rules()).containsExactly(LIST_PODS);
    assertThat(snapshot.resolve(jane, "team-b").rules()).isEmpty();
  }
}
