package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Pod Security admission as a user meets it through kubectl: the cluster's baseline default
 * refuses a hostPath pod, namespace labels relax or tighten it, warn levels print kubectl's
 * warnings, workloads are accepted while their pods are refused, and Endpoints may not point
 * at the host's loopback. Admission only: no node runs the pods.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PodSecurityIT {

  private static final TestServer SERVER = TestServer.SUITE;
  private final Kubectl kubectl = Kubectl.against(SERVER);

  private static final String HOST_PATH_POD = """
      apiVersion: v1
      kind: Pod
      metadata:
        name: x
      spec:
        containers:
        - name: c
          image: busybox
          volumeMounts:
          - {name: h, mountPath: /host}
        volumes:
        - name: h
          hostPath: {path: /}
      """;

  private static final String PLAIN_POD = """
      apiVersion: v1
      kind: Pod
      metadata:
        name: p
      spec:
        containers:
        - name: c
          image: busybox
      """;

  private static final String RESTRICTED_VIOLATIONS = "allowPrivilegeEscalation != false"
      + " (container \"c\" must set securityContext.allowPrivilegeEscalation=false), unrestricted"
      + " capabilities (container \"c\" must set securityContext.capabilities.drop=[\"ALL\"]),"
      + " runAsNonRoot != true (pod or container \"c\" must set"
      + " securityContext.runAsNonRoot=true), seccompProfile (pod or container \"c\" must set"
      + " securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")";

  @Deployment(testable = false)
  static EnterpriseArchive capstan() {
    return TestServer.capstanEar();
  }

  private Kubectl.Result create(String namespace, String yaml) {
    return kubectl.withInput(yaml, "create", "-n", namespace, "-f", "-");
  }

  private void label(String namespace, String label) {
    Kubectl.Result labelled = kubectl.run("label", "namespace", namespace, label);
    assertThat(labelled.exitCode()).as(labelled.toString()).isZero();
  }

  @Test
  void aHostPathPodIsRefusedInANamespaceWithoutLabels() {
    String namespace = SERVER.newNamespace();

    Kubectl.Result refused = create(namespace, HOST_PATH_POD);

    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.err()).contains("Error from server (Forbidden): error when creating"
        + " \"STDIN\": pods \"x\" is forbidden: violates PodSecurity \"baseline:latest\":"
        + " hostPath volumes (volume \"h\")");
    assertThat(kubectl.run("get", "pods", "-n", namespace).err())
        .contains("No resources found");
  }

  @Test
  void aNamespaceLabelledPrivilegedAcceptsIt() {
    String namespace = SERVER.newNamespace();
    label(namespace, "pod-security.kubernetes.io/enforce=privileged");

    Kubectl.Result created = create(namespace, HOST_PATH_POD);

    assertThat(created.exitCode()).as(created.toString()).isZero();
    assertThat(created.err()).doesNotContain("Warning");
  }

  @Test
  void aRestrictedWarnLevelPrintsKubectlsWarningButAccepts() {
    String namespace = SERVER.newNamespace();
    label(namespace, "pod-security.kubernetes.io/warn=restricted");

    Kubectl.Result created = create(namespace, PLAIN_POD);

    assertThat(created.exitCode()).as(created.toString()).isZero();
    assertThat(created.out()).contains("pod/p created");
    assertThat(created.err()).contains("Warning: would violate PodSecurity \"restricted:latest\": "
        + RESTRICTED_VIOLATIONS);
  }

  @Test
  void aDeploymentIsWarnedAboutAndAcceptedButItsPodsAreRefused() {
    String namespace = SERVER.newNamespace();
    label(namespace, "pod-security.kubernetes.io/warn=baseline");

    Kubectl.Result created = create(namespace, """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 1
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: c
                image: busybox
              volumes:
              - name: h
                hostPath: {path: /}
        """);

    assertThat(created.exitCode()).as(created.toString()).isZero();
    assertThat(created.err()).contains("Warning: would violate PodSecurity \"baseline:latest\":"
        + " hostPath volumes (volume \"h\")");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(kubectl.run("describe", "replicaset", "-n", namespace).out())
            .containsPattern("Warning\\s+FailedCreate\\s+.*replicaset-controller\\s+Error"
                + " creating: pods \"web-[a-z0-9]+-[a-z0-9]{5}\" is forbidden: violates"
                + " PodSecurity \"baseline:latest\": hostPath volumes \\(volume \"h\"\\)"));
    assertThat(kubectl.run("get", "pods", "-n", namespace).err())
        .contains("No resources found");
  }

  @Test
  void labellingANamespaceRestrictedNamesTheExistingPodsThatViolateIt() {
    String namespace = SERVER.newNamespace();
    assertThat(create(namespace, PLAIN_POD).exitCode()).isZero();

    Kubectl.Result labelled = kubectl.run("label", "namespace", namespace,
        "pod-security.kubernetes.io/enforce=restricted");

    assertThat(labelled.exitCode()).as(labelled.toString()).isZero();
    assertThat(labelled.err()).contains("Warning: existing pods in namespace \"" + namespace
        + "\" violate the new PodSecurity enforce level \"restricted:latest\"\n"
        + "Warning: p: allowPrivilegeEscalation != false, unrestricted capabilities,"
        + " runAsNonRoot != true, seccompProfile");
    assertThat(labelled.out()).contains("namespace/" + namespace + " labeled");

    Kubectl.Result refused = create(namespace, PLAIN_POD.replace("name: p", "name: q"));
    assertThat(refused.err()).contains("pods \"q\" is forbidden: violates PodSecurity"
        + " \"restricted:latest\": " + RESTRICTED_VIOLATIONS);
  }

  @Test
  void aLabelThatIsNotALevelIsInvalid() {
    String namespace = SERVER.newNamespace();

    Kubectl.Result refused = kubectl.run("label", "namespace", namespace,
        "pod-security.kubernetes.io/enforce=strict");

    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.err()).contains("The Namespace \"" + namespace + "\" is invalid:"
        + " metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"strict\":"
        + " must be one of privileged, baseline, restricted");
  }

  @Test
  void endpointsOnTheHostLoopbackAreInvalid() {
    String namespace = SERVER.newNamespace();

    Kubectl.Result refused = create(namespace, """
        apiVersion: v1
        kind: Endpoints
        metadata:
          name: mgmt
        subsets:
        - addresses:
          - ip: 127.0.0.1
          ports:
          - port: 9990
        """);

    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.err()).contains("The Endpoints \"mgmt\" is invalid:"
        + " subsets[0].addresses[0].ip: Invalid value: \"127.0.0.1\": may not be in the loopback"
        + " range (127.0.0.0/8, ::1/128)");
  }
}
