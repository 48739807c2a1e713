package dev.capstan.admission;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DefaultingTest {

  @ParameterizedTest(name = "{0} pulls {1}")
  @CsvSource({
      "nginx, Always", "nginx:latest, Always", "nginx:1.27, IfNotPresent",
      "registry.local:5000/app, Always", "registry.local:5000/app:v2, IfNotPresent",
      "busybox@sha256:abc, IfNotPresent"})
  void imagePullPolicyFollowsTheTag(String image, String policy) {
    assertThat(Defaulting.pullPolicyFor(image)).isEqualTo(policy);
  }

  @Test
  void podFromTheReferenceGetsKubernetesDefaults() {
    JsonObject pod = Defaulting.apply("", "Pod", json("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"node-js-pod"},
         "spec":{"containers":[{"name":"node-js-pod","image":"bitnami/apache:latest",
           "ports":[{"containerPort":80}]}]}}"""));

    JsonObject spec = pod.getJsonObject("spec");
    assertThat(spec.getString("restartPolicy")).isEqualTo("Always");
    assertThat(spec.getInt("terminationGracePeriodSeconds")).isEqualTo(30);
    assertThat(spec.getString("dnsPolicy")).isEqualTo("ClusterFirst");
    assertThat(spec.getBoolean("enableServiceLinks")).isTrue();
    assertThat(spec.getInt("priority")).isZero();
    assertThat(spec.getString("preemptionPolicy")).isEqualTo("PreemptLowerPriority");
    JsonObject container = spec.getJsonArray("containers").getJsonObject(0);
    assertThat(container.getString("imagePullPolicy")).isEqualTo("Always");
    assertThat(container.getJsonArray("ports").getJsonObject(0).getString("protocol")).isEqualTo("TCP");
  }

  @Test
  void valuesTheClientSetAreKept() {
    JsonObject pod = Defaulting.apply("", "Pod", json("""
        {"spec":{"restartPolicy":"Never","containers":[{"name":"a","image":"x",
          "imagePullPolicy":"Never"}]}}"""));

    assertThat(pod.getJsonObject("spec").getString("restartPolicy")).isEqualTo("Never");
    assertThat(pod.getJsonObject("spec").getJsonArray("containers").getJsonObject(0)
        .getString("imagePullPolicy")).isEqualTo("Never");
  }

  @Test
  void replicationControllerTemplateAndReplicasAreDefaulted() {
    JsonObject rc = Defaulting.apply("", "ReplicationController", json("""
        {"spec":{"selector":{"name":"node-js"},"template":{"metadata":{"labels":{"name":"node-js"}},
          "spec":{"containers":[{"name":"node-js","image":"jonbaier/node-express-info:latest"}]}}}}"""));

    assertThat(rc.getJsonObject("spec").getInt("replicas")).isEqualTo(1);
    assertThat(rc.getJsonObject("spec").getJsonObject("template").getJsonObject("spec")
        .getString("restartPolicy")).isEqualTo("Always");
    assertThat(rc.getJsonObject("spec").getJsonObject("template").getJsonObject("spec"))
        .as("pod-only defaults stay off templates, as in Kubernetes")
        .doesNotContainKeys("enableServiceLinks", "priority", "preemptionPolicy");
  }

  @Test
  void servicePortsGetProtocolAndTargetPort() {
    JsonObject service = Defaulting.apply("", "Service", json("""
        {"spec":{"type":"LoadBalancer","ports":[{"port":80}],"selector":{"name":"node-js"}}}"""));

    JsonObject port = service.getJsonObject("spec").getJsonArray("ports").getJsonObject(0);
    assertThat(port.getString("protocol")).isEqualTo("TCP");
    assertThat(port.getInt("targetPort")).isEqualTo(80);
    assertThat(service.getJsonObject("spec").getString("type")).isEqualTo("LoadBalancer");
    assertThat(service.getJsonObject("spec").getString("sessionAffinity")).isEqualTo("None");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "ClusterIP|Cluster||",
      "NodePort|Cluster|Cluster|",
      "LoadBalancer|Cluster|Cluster|true",
      "ExternalName|||"})
  void servicesGetTheTrafficPoliciesOfTheirType(String type, String internal, String external,
      String allocateNodePorts) {
    JsonObject spec = Defaulting.apply("", "Service", json(
        "{\"spec\":{\"type\":\"" + type + "\",\"ports\":[{\"port\":80}]}}"))
        .getJsonObject("spec");

    assertThat(spec.getString("internalTrafficPolicy", null)).isEqualTo(internal);
    assertThat(spec.getString("externalTrafficPolicy", null)).isEqualTo(external);
    assertThat(spec.containsKey("allocateLoadBalancerNodePorts") ? "true" : null)
        .isEqualTo(allocateNodePorts);
  }

  @Test
  void aSecretsStringDataIsStoredAsBase64DataOfTypeOpaque() {
    JsonObject secret = Defaulting.apply("", "Secret", json("""
        {"metadata":{"name":"credentials"},"data":{"user":"YWRtaW4=","password":"b2xk"},
         "stringData":{"password":"s3cret"}}"""));

    assertThat(secret.getString("type")).isEqualTo("Opaque");
    assertThat(secret.containsKey("stringData")).isFalse();
    assertThat(secret.getJsonObject("data")).isEqualTo(json(
        "{\"user\":\"YWRtaW4=\",\"password\":\"czNjcmV0\"}"));
  }

  @Test
  void namespaceIsActiveAndLabelledWithItsName() {
    JsonObject namespace = Defaulting.apply("", "Namespace", json("""
        {"metadata":{"name":"demo"}}"""));

    assertThat(namespace.getJsonObject("status").getString("phase")).isEqualTo("Active");
    assertThat(namespace.getJsonObject("metadata").getJsonObject("labels")
        .getString("kubernetes.io/metadata.name")).isEqualTo("demo");
  }

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }

  @Test
  void nullReplicasAreDefaultedAsAbsentOnesAre() {
    JsonObject spec = Defaulting.apply("apps", "ReplicaSet", json("""
        {"spec":{"replicas":null,"template":{"spec":{"containers":[{"name":"a","image":"a:1"}]}}}}"""))
        .getJsonObject("spec");

    assertThat(spec.getInt("replicas")).isEqualTo(1);
  }

  @Test
  void nullCompletionsAndNoParallelismMeanOneOfEach() {
    JsonObject spec = Defaulting.apply("batch", "Job", json("""
        {"spec":{"completions":null,"template":{"spec":{"containers":[{"name":"a","image":"a:1"}]}}}}"""))
        .getJsonObject("spec");

    assertThat(spec.getInt("completions")).isEqualTo(1);
    assertThat(spec.getInt("parallelism")).isEqualTo(1);
  }

  @Test
  void deploymentGetsTheRollingUpdateStrategyAndHistoryLimits() {
    JsonObject spec = Defaulting.apply("apps", "Deployment", json("""
        {"spec":{"strategy":{},"template":{"spec":{"containers":[{"name":"a","image":"a:1"}]}}}}"""))
        .getJsonObject("spec");

    assertThat(spec.getInt("replicas")).isEqualTo(1);
    assertThat(spec.getJsonObject("strategy").toString()).isEqualTo(
        "{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"25%\",\"maxSurge\":\"25%\"}}");
    assertThat(spec.getInt("revisionHistoryLimit")).isEqualTo(10);
    assertThat(spec.getInt("progressDeadlineSeconds")).isEqualTo(600);
  }

  @Test
  void recreateDeploymentsGetNoRollingParameters() {
    JsonObject strategy = Defaulting.apply("apps", "Deployment", json("""
        {"spec":{"strategy":{"type":"Recreate"}}}""")).getJsonObject("spec").getJsonObject("strategy");

    assertThat(strategy.toString()).isEqualTo("{\"type\":\"Recreate\"}");
  }

  @Test
  void daemonSetRollsOneNodeAtATime() {
    JsonObject spec = Defaulting.apply("apps", "DaemonSet", json("{\"spec\":{}}"))
        .getJsonObject("spec");

    assertThat(spec.getJsonObject("updateStrategy").getJsonObject("rollingUpdate").toString())
        .isEqualTo("{\"maxUnavailable\":1,\"maxSurge\":0}");
    assertThat(spec.containsKey("replicas")).isFalse();
  }

  @Test
  void cronJobAllowsConcurrencyAndKeepsThreeSuccessfulAndOneFailedJob() {
    JsonObject spec = Defaulting.apply("batch", "CronJob", json("""
        {"spec":{"schedule":"* * * * *","jobTemplate":{"spec":{"template":{"spec":{
          "containers":[{"name":"c","image":"busybox:1"}]}}}}}}""")).getJsonObject("spec");

    assertThat(spec.getString("concurrencyPolicy")).isEqualTo("Allow");
    assertThat(spec.getBoolean("suspend")).isFalse();
    assertThat(spec.getInt("successfulJobsHistoryLimit")).isEqualTo(3);
    assertThat(spec.getInt("failedJobsHistoryLimit")).isEqualTo(1);
    JsonObject podSpec = spec.getJsonObject("jobTemplate").getJsonObject("spec")
        .getJsonObject("template").getJsonObject("spec");
    assertThat(podSpec.getString("restartPolicy")).isEqualTo("Always");
    assertThat(podSpec.getInt("terminationGracePeriodSeconds")).isEqualTo(30);
  }

  @Test
  void jobRunsOnceWithSixRetriesUnlessToldOtherwise() {
    JsonObject spec = Defaulting.apply("batch", "Job", json("{\"spec\":{}}")).getJsonObject("spec");
    JsonObject parallel = Defaulting.apply("batch", "Job", json("{\"spec\":{\"parallelism\":3}}"))
        .getJsonObject("spec");

    assertThat(spec.getInt("completions")).isEqualTo(1);
    assertThat(spec.getInt("parallelism")).isEqualTo(1);
    assertThat(spec.getInt("backoffLimit")).isEqualTo(6);
    assertThat(spec.getString("completionMode")).isEqualTo("NonIndexed");
    assertThat(spec.getBoolean("suspend")).isFalse();
    assertThat(parallel.containsKey("completions")).as("work-queue jobs have no completion count")
        .isFalse();
  }
}
