package dev.capstan.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CoverageTest {

  private static PolicyRule rule(List<String> verbs, String group, String... resources) {
    return PolicyRule.resources(verbs, List.of(group), List.of(resources));
  }

  @Test
  void holdingEverythingCoversAnyRule() {
    List<PolicyRule> admin = List.of(rule(List.of("*"), "*", "*"));

    assertThat(Coverage.missing(admin, List.of(rule(List.of("get", "delete"), "apps",
        "deployments", "deployments/scale")))).isEmpty();
  }

  @Test
  void whatIsNotHeldIsListedAsKubernetesPrintsIt() {
    List<PolicyRule> held = List.of(rule(List.of("get", "list", "watch"), "", "pods"));
    List<PolicyRule> wanted = List.of(rule(List.of("get", "create"), "", "pods", "secrets"));

    List<PolicyRule> missing = Coverage.missing(held, wanted);

    assertThat(Coverage.describe(missing)).isEqualTo(
        "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"create\"]}\n"
            + "{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\" \"create\"]}");
  }

  @Test
  void aSubresourceWildcardCoversThatSubresourceOfAnyResource() {
    List<PolicyRule> held = List.of(rule(List.of("update"), "apps", "*/scale"));

    assertThat(Coverage.missing(held, List.of(rule(List.of("update"), "apps",
        "deployments/scale")))).isEmpty();
    assertThat(Coverage.missing(held, List.of(rule(List.of("update"), "apps",
        "deployments")))).hasSize(1);
  }

  @Test
  void resourceNamesNarrowWhatIsHeld() {
    List<PolicyRule> held = List.of(new PolicyRule(List.of("get"), List.of(""),
        List.of("secrets"), List.of("db"), List.of()));

    assertThat(Coverage.missing(held, List.of(new PolicyRule(List.of("get"), List.of(""),
        List.of("secrets"), List.of("db"), List.of())))).isEmpty();
    assertThat(Coverage.missing(held, List.of(rule(List.of("get"), "", "secrets"))))
        .hasSize(1);
  }

  @Test
  void nonResourceUrlsAreCoveredByPrefix() {
    List<PolicyRule> held = List.of(PolicyRule.urls(List.of("get"), List.of("/apis/*")));

    assertThat(Coverage.missing(held, List.of(PolicyRule.urls(List.of("get"),
        List.of("/apis/apps"))))).isEmpty();
    assertThat(Coverage.missing(held, List.of(PolicyRule.urls(List.of("get"),
        List.of("/metrics"))))).hasSize(1);
  }
}
