package dev.capstan.admission.podsecurity;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodSecurityDecisionsTest {

  private static final NamespacePolicy DEFAULTS = new NamespacePolicy(
      LevelVersion.latest(Level.BASELINE), LevelVersion.latest(Level.PRIVILEGED),
      LevelVersion.latest(Level.PRIVILEGED));
  private static final String PLAIN = "{'containers':[{'name':'c','image':'nginx'}]}";
  private static final String HOST_PATH = "{'containers':[{'name':'c','image':'nginx'}],"
      + "'volumes':[{'name':'h','hostPath':{'path':'/etc'}}]}";
  private static final String RESTRICTED_MESSAGE = "allowPrivilegeEscalation != false (container"
      + " \"c\" must set securityContext.allowPrivilegeEscalation=false), unrestricted"
      + " capabilities (container \"c\" must set securityContext.capabilities.drop=[\"ALL\"]),"
      + " runAsNonRoot != true (pod or container \"c\" must set"
      + " securityContext.runAsNonRoot=true), seccompProfile (pod or container \"c\" must set"
      + " securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")";

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text.replace('\'', '"'))).readObject();
  }

  private static NamespacePolicy policy(Map<String, String> labels) {
    return NamespacePolicy.resolve(labels, DEFAULTS).policy();
  }

  private static JsonObject pod(String name, String spec) {
    return json("{'metadata':{'name':'" + name + "'},'spec':" + spec + "}");
  }

  @Test
  void aHostPathPodIsRefusedByTheDefaultBaselineEnforcement() {
    var outcome = PodSecurityDecisions.evaluate(policy(Map.of()), json("{}"), json(HOST_PATH),
        true);

    assertThat(outcome.refusal()).contains(
        "violates PodSecurity \"baseline:latest\": hostPath volumes (volume \"h\")");
    assertThat(outcome.warnings()).as("no warnings on a refusal").isEmpty();
    assertThat(outcome.auditAnnotations())
        .containsEntry("pod-security.kubernetes.io/enforce-policy", "baseline:latest");
  }

  @Test
  void restrictedNamesEveryMissingSettingInKubernetesOrder() {
    var outcome = PodSecurityDecisions.evaluate(policy(Map.of(NamespacePolicy.WARN,
        "restricted", NamespacePolicy.AUDIT, "restricted")), json("{}"), json(PLAIN), true);

    assertThat(outcome.refusal()).isEmpty();
    assertThat(outcome.warnings()).containsExactly(
        "would violate PodSecurity \"restricted:latest\": " + RESTRICTED_MESSAGE);
    assertThat(outcome.auditAnnotations()).containsEntry(
        "pod-security.kubernetes.io/audit-violations",
        "would violate PodSecurity \"restricted:latest\": " + RESTRICTED_MESSAGE);
  }

  @Test
  void restrictedReplacesTheBaselineHostPathCheckWithItsVolumeTypes() {
    var results = PodSecurityEvaluator.evaluate(Level.RESTRICTED, json("{}"), json(HOST_PATH));

    assertThat(PodSecurityEvaluator.reasons(results)).isEqualTo("allowPrivilegeEscalation !="
        + " false, unrestricted capabilities, restricted volume types, runAsNonRoot != true,"
        + " seccompProfile");
  }

  @Test
  void baselineViolationsComeInCheckIdOrder() {
    var results = PodSecurityEvaluator.evaluate(Level.BASELINE, json("{}"), json(
        "{'hostNetwork':true,'containers':[{'name':'c','securityContext':{'privileged':true},"
            + "'ports':[{'containerPort':80,'hostPort':80}]}],"
            + "'volumes':[{'name':'h','hostPath':{'path':'/'}}]}"));

    assertThat(PodSecurityEvaluator.detail(results)).isEqualTo("host namespaces"
        + " (hostNetwork=true), hostPath volumes (volume \"h\"), hostPort (container \"c\" uses"
        + " hostPort 80), privileged (container \"c\" must not set"
        + " securityContext.privileged=true)");
  }

  @Test
  void aPrivilegedNamespaceChecksNothing() {
    var outcome = PodSecurityDecisions.evaluate(policy(Map.of(NamespacePolicy.ENFORCE,
        "privileged")), json("{}"), json(HOST_PATH), true);

    assertThat(outcome).isEqualTo(PodSecurityDecisions.Outcome.ALLOWED);
  }

  @Test
  void workloadsAreWarnedAboutButNeverRefused() {
    var outcome = PodSecurityDecisions.evaluate(policy(Map.of(NamespacePolicy.ENFORCE,
        "restricted")), json("{}"), json(PLAIN), false);

    assertThat(outcome.refusal()).isEmpty();
    assertThat(outcome.warnings()).as("warn follows an explicit stricter enforce level")
        .containsExactly("would violate PodSecurity \"restricted:latest\": " + RESTRICTED_MESSAGE);
  }

  @Test
  void raisingEnforceNamesTheViolatingPodsGroupedByReason() {
    List<JsonObject> pods = List.of(pod("b", HOST_PATH), pod("a", HOST_PATH), pod("c", HOST_PATH),
        pod("web", "{'hostNetwork':true,'containers':[{'name':'c'}]}"), pod("ok", PLAIN));

    List<String> warnings = PodSecurityDecisions.relabelled("team", policy(Map.of()),
        policy(Map.of(NamespacePolicy.ENFORCE, "baseline", NamespacePolicy.ENFORCE
            + "-version", "v1.30")), pods);

    assertThat(warnings).containsExactly("existing pods in namespace \"team\" violate the new"
        + " PodSecurity enforce level \"baseline:v1.30\"",
        "a (and 2 other pods): hostPath volumes", "web: host namespaces");
  }

  @Test
  void relaxingOrKeepingEnforceWarnsAboutNothing() {
    List<JsonObject> pods = List.of(pod("a", HOST_PATH));
    NamespacePolicy restricted = policy(Map.of(NamespacePolicy.ENFORCE, "restricted"));

    assertThat(PodSecurityDecisions.relabelled("team", restricted, policy(Map.of()), pods))
        .isEmpty();
    assertThat(PodSecurityDecisions.relabelled("team", restricted, restricted, pods)).isEmpty();
    assertThat(PodSecurityDecisions.relabelled("team", policy(Map.of()), restricted,
        List.of(pod("ok", "{'securityContext':{'runAsNonRoot':true,'seccompProfile':{'type':"
            + "'RuntimeDefault'}},'containers':[{'name':'c','securityContext':{"
            + "'allowPrivilegeEscalation':false,'capabilities':{'drop':['ALL']}}}]}"))))
        .isEmpty();
  }

  @Test
  void labelsOnAnExemptNamespaceAreSaidToBeIgnored() {
    Map<String, String> labels = Map.of(NamespacePolicy.ENFORCE, "restricted");

    assertThat(PodSecurityDecisions.exemptNamespace("kube-system", policy(labels), DEFAULTS,
        labels)).contains("namespace \"kube-system\" is exempt from Pod Security, and the policy"
            + " (enforce=restricted:latest) will be ignored");
    assertThat(PodSecurityDecisions.exemptNamespace("kube-system", policy(Map.of()), DEFAULTS,
        Map.of())).isEmpty();
  }

  @Test
  void onlyImageChangesAndNewContainersAreSignificantPodUpdates() {
    JsonObject before = pod("p", PLAIN);

    assertThat(PodSecurityDecisions.significantPodUpdate(before, json("{'metadata':{'name':'p',"
        + "'labels':{'a':'b'}},'spec':" + PLAIN + "}"))).isFalse();
    assertThat(PodSecurityDecisions.significantPodUpdate(before,
        pod("p", PLAIN.replace("nginx", "nginx:2")))).isTrue();
    assertThat(PodSecurityDecisions.significantPodUpdate(before, pod("p",
        "{'containers':[{'name':'c','image':'nginx'}],'ephemeralContainers':[{'name':'d',"
            + "'image':'busybox'}]}"))).isTrue();
  }

  @Test
  void badLabelsFailClosedForEnforceAndOpenForWarnAndAudit() {
    var resolved = NamespacePolicy.resolve(Map.of(NamespacePolicy.ENFORCE, "strict",
        NamespacePolicy.WARN, "loud", NamespacePolicy.AUDIT + "-version", "1.30"), DEFAULTS);

    assertThat(resolved.policy().enforce()).isEqualTo(LevelVersion.latest(Level.RESTRICTED));
    assertThat(resolved.policy().warn().level()).isEqualTo(Level.PRIVILEGED);
    assertThat(resolved.problems()).containsExactly(
        new NamespacePolicy.LabelProblem(NamespacePolicy.ENFORCE, "strict",
            "must be one of privileged, baseline, restricted"),
        new NamespacePolicy.LabelProblem(NamespacePolicy.AUDIT + "-version", "1.30",
            "must be \"latest\" or \"v1.x\""),
        new NamespacePolicy.LabelProblem(NamespacePolicy.WARN, "loud",
            "must be one of privileged, baseline, restricted"));
  }

  @Test
  void templatesAreFoundWhereEachWorkloadKeepsThem() {
    JsonObject cronJob = json("{'spec':{'jobTemplate':{'spec':{'template':{'spec':" + PLAIN
        + "}}}}}");

    assertThat(PodTemplates.of("batch", "CronJob", cronJob).map(t -> t.spec().toString()))
        .contains(json(PLAIN).toString());
    assertThat(PodTemplates.of("apps", "Deployment", json("{'spec':{'template':{'spec':" + PLAIN
        + "}}}"))).isPresent();
    assertThat(PodTemplates.of("", "ConfigMap", json("{}"))).isEqualTo(Optional.empty());
  }
}
