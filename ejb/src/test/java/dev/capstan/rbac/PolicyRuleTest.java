package dev.capstan.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyRuleTest {

  private static List<String> list(String values) {
    return values.isEmpty() ? List.of() : List.of(values.split(" "));
  }

  @ParameterizedTest(name = "{0} {1} {2} {3}/{4} {5} -> {6}")
  @CsvSource(delimiter = '|', value = {
      // rule verbs | rule groups | rule resources | rule names | request verb | group | resource | subresource | name | allowed
      "get list | '' | pods | '' | list | '' | pods | '' | '' | true",
      "get list | '' | pods | '' | create | '' | pods | '' | '' | false",
      "* | '' | pods | '' | deletecollection | '' | pods | '' | '' | true",
      "get | * | * | '' | get | apps | deployments | '' | web | true",
      "get | apps | deployments | '' | get | '' | deployments | '' | web | false",
      "get | '' | pods | '' | get | '' | pods | log | web | false",
      "get | '' | pods/log | '' | get | '' | pods | log | web | true",
      "get | '' | pods/log | '' | get | '' | pods | '' | web | false",
      "update | apps | */scale | '' | update | apps | deployments | scale | web | true",
      "update | apps | */scale | '' | update | apps | deployments | '' | web | false",
      // Kubernetes has no resource/* wildcard: pods/* matches only itself
      "create | '' | pods/* | '' | create | '' | pods | exec | web | false",
      "get | '' | secrets | db | get | '' | secrets | '' | db | true",
      "get | '' | secrets | db | get | '' | secrets | '' | other | false",
      // resourceNames never match a request without a name (create, list)
      "create list | '' | secrets | db | create | '' | secrets | '' | '' | false",
      "create list | '' | secrets | db | list | '' | secrets | '' | '' | false",
      "watch | '' | secrets | db | watch | '' | secrets | '' | db | true",
  })
  void resourceRulesMatchAsKubernetes(String verbs, String groups, String resources,
      String names, String verb, String group, String resource, String subresource, String name,
      boolean allowed) {
    PolicyRule rule = new PolicyRule(list(verbs), groups.isEmpty() ? List.of("")
        : list(groups), list(resources), list(names), List.of());

    assertThat(rule.allowsResource(verb, group, resource, subresource, name)).isEqualTo(allowed);
  }

  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @CsvSource({
      "get, /healthz, /healthz, true",
      "get, /healthz, /healthz/ping, false",
      "get, /healthz/*, /healthz/ping, true",
      "get, /apis/*, /apis/apps/v1, true",
      "get, /apis*, /apis, true",
      "get, *, /metrics, true",
      "post, /healthz, /healthz, false",
  })
  void nonResourceUrlsMatchExactlyOrByTrailingStar(String verb, String url, String path,
      boolean allowed) {
    PolicyRule rule = PolicyRule.urls(List.of("get"), List.of(url));

    assertThat(rule.allowsNonResource(verb, path)).isEqualTo(allowed);
  }

  @org.junit.jupiter.api.Test
  void compactStringIsKubernetes() {
    PolicyRule rule = new PolicyRule(List.of("get", "list"), List.of(""), List.of("secrets"),
        List.of("db"), List.of());

    assertThat(rule.compactString()).isEqualTo(
        "{APIGroups:[\"\"], Resources:[\"secrets\"], ResourceNames:[\"db\"], Verbs:[\"get\" \"list\"]}");
  }
}
