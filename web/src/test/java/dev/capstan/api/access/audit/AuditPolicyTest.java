package dev.capstan.api.access.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.access.User;
import dev.capstan.api.access.RequestInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditPolicyTest {

  private static final User ADMIN = new User("admin", "", List.of("system:masters",
      User.AUTHENTICATED));
  private static final User NODE = new User("system:node:w1", "", List.of("system:nodes",
      User.AUTHENTICATED));

  private static final String POLICY = """
      apiVersion: audit.k8s.io/v1
      kind: Policy
      omitStages: [RequestReceived]
      rules:
      - level: None
        users: ["system:kube-proxy"]
        verbs: ["watch"]
      - level: None
        userGroups: ["system:nodes"]
        verbs: ["get"]
      - level: None
        nonResourceURLs: ["/healthz*", "/version"]
      - level: Metadata
        resources:
        - group: ""
          resources: ["secrets", "configmaps"]
      - level: Request
        resources:
        - group: ""
          resources: ["pods/log", "pods/status"]
      - level: RequestResponse
        namespaces: ["audited"]
        omitStages: [ResponseStarted]
      - level: RequestResponse
        resources:
        - group: apps
          resources: ["deployments"]
          resourceNames: ["web"]
      - level: Metadata
      """;

  private static RequestInfo get(String method, String path) {
    return RequestInfo.parse(method, path, Map.of(), false);
  }

  private final AuditPolicy policy = AuditPolicy.parse(POLICY);

  private AuditLevel level(User user, String method, String path) {
    return policy.evaluate(user, get(method, path)).level();
  }

  @Test
  void firstMatchingRuleWins() {
    assertThat(level(ADMIN, "GET", "/api/v1/namespaces/a/configmaps/c"))
        .isEqualTo(AuditLevel.Metadata);
    assertThat(level(ADMIN, "GET", "/api/v1/namespaces/a/pods/p/log"))
        .isEqualTo(AuditLevel.Request);
    assertThat(level(ADMIN, "GET", "/api/v1/namespaces/a/pods/p"))
        .isEqualTo(AuditLevel.Metadata);
  }

  @Test
  void usersGroupsAndVerbs() {
    User proxy = new User("system:kube-proxy", "", List.of(User.AUTHENTICATED));
    assertThat(policy.evaluate(proxy, RequestInfo.parse("GET", "/api/v1/services",
        Map.of("watch", List.of("true")), false)).level()).isEqualTo(AuditLevel.None);
    assertThat(level(proxy, "GET", "/api/v1/services")).isEqualTo(AuditLevel.Metadata);
    assertThat(level(NODE, "GET", "/api/v1/nodes/w1")).isEqualTo(AuditLevel.None);
    assertThat(level(NODE, "PUT", "/api/v1/nodes/w1")).isEqualTo(AuditLevel.Metadata);
  }

  @Test
  void nonResourceUrlsWithTrailingWildcard() {
    assertThat(level(ADMIN, "GET", "/healthz")).isEqualTo(AuditLevel.None);
    assertThat(level(ADMIN, "GET", "/healthz/ready")).isEqualTo(AuditLevel.None);
    assertThat(level(ADMIN, "GET", "/version")).isEqualTo(AuditLevel.None);
    assertThat(level(ADMIN, "GET", "/versions")).isEqualTo(AuditLevel.Metadata);
    assertThat(level(null, "GET", "/apis")).isEqualTo(AuditLevel.Metadata);
  }

  @Test
  void namespacesAndResourceNames() {
    assertThat(level(ADMIN, "POST", "/api/v1/namespaces/audited/pods"))
        .isEqualTo(AuditLevel.RequestResponse);
    assertThat(level(ADMIN, "GET", "/apis/apps/v1/namespaces/a/deployments/web"))
        .isEqualTo(AuditLevel.RequestResponse);
    assertThat(level(ADMIN, "GET", "/apis/apps/v1/namespaces/a/deployments/db"))
        .isEqualTo(AuditLevel.Metadata);
    // a core-group rule does not match the apps group
    assertThat(level(ADMIN, "GET", "/apis/apps/v1/namespaces/a/configmaps/x"))
        .isEqualTo(AuditLevel.Metadata);
  }

  @Test
  void omitStagesCombinePolicyAndRule() {
    var decision = policy.evaluate(ADMIN, get("POST", "/api/v1/namespaces/audited/pods"));
    assertThat(decision.omitStages()).containsExactlyInAnyOrder(AuditStage.RequestReceived,
        AuditStage.ResponseStarted);
    assertThat(decision.writes(AuditStage.ResponseComplete)).isTrue();
    assertThat(decision.writes(AuditStage.RequestReceived)).isFalse();
  }

  @Test
  void noMatchingRuleMeansNone() {
    AuditPolicy onlySecrets = AuditPolicy.parse("""
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
        - level: Metadata
          resources: [{group: "", resources: ["secrets"]}]
        """);
    assertThat(onlySecrets.evaluate(ADMIN, get("GET", "/api/v1/pods")).level())
        .isEqualTo(AuditLevel.None);
    assertThat(onlySecrets.evaluate(ADMIN, get("GET", "/healthz")).level())
        .isEqualTo(AuditLevel.None);
  }

  @Test
  void secretBodiesAreNeverWrittenWhateverThePolicySays() {
    AuditPolicy everything = AuditPolicy.parse("""
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
        - level: RequestResponse
        """);
    for (String path : List.of("/api/v1/namespaces/a/secrets/s", "/api/v1/namespaces/a/secrets",
        "/api/v1/namespaces/a/serviceaccounts/default/token",
        "/apis/authentication.k8s.io/v1/tokenreviews")) {
      assertThat(everything.evaluate(ADMIN, get("POST", path)).level()).as(path)
          .isEqualTo(AuditLevel.Metadata);
    }
    assertThat(everything.evaluate(ADMIN, get("POST", "/api/v1/namespaces/a/configmaps"))
        .level()).isEqualTo(AuditLevel.RequestResponse);
  }

  @Test
  void invalidPoliciesNameTheField() {
    assertThatThrownBy(() -> AuditPolicy.parse("apiVersion: audit.k8s.io/v1\nkind: Policy\n"
        + "rules:\n- level: Everything\n"))
        .hasMessageContaining("rules[0].level: Unsupported value: \"Everything\"");
    assertThatThrownBy(() -> AuditPolicy.parse("apiVersion: audit.k8s.io/v1\nkind: Policy\n"
        + "rules:\n- verbs: [get]\n")).hasMessageContaining("rules[0].level: Required value");
    assertThatThrownBy(() -> AuditPolicy.parse("apiVersion: audit.k8s.io/v1beta1\nkind: Policy\n"))
        .hasMessageContaining("apiVersion");
    assertThatThrownBy(() -> AuditPolicy.parse("apiVersion: audit.k8s.io/v1\nkind: Policy\n"
        + "omitStages: [Sometime]\n"))
        .hasMessageContaining("omitStages: Unsupported value: \"Sometime\"");
    assertThatThrownBy(() -> AuditPolicy.parse("apiVersion: audit.k8s.io/v1\nkind: Policy\n"
        + "rules:\n- level: None\n  nonResourceURLs: [\"/a*b\"]\n"))
        .hasMessageContaining("rules[0].nonResourceURLs");
    assertThatThrownBy(() -> AuditPolicy.parse("rules: [")).hasMessageContaining("YAML");
  }
}
