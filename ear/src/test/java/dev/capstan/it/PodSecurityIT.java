package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
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

  /**
   * The cluster's exemptions, as kube-apiserver's PodSecurity configuration has them (the suite's
   * server exempts the user it-psa-exempt and the RuntimeClass it-exempt): their pods are not
   * checked; another user's pod, or one of another RuntimeClass, is.
   */
  @Test
  void podsOfAnExemptUserOrAnExemptRuntimeClassAreNotChecked() {
    String namespace = SERVER.newNamespace();
    String ofClass = "spec:\n  runtimeClassName: %s\n";

    Kubectl.Result byExemptUser = Kubectl.withToken(SERVER, "it-psa-exempt-token-5d1a")
        .withInput(HOST_PATH_POD, "create", "-n", namespace, "-f", "-", "--dry-run=server");
    Kubectl.Result exemptClass = kubectl.withInput(HOST_PATH_POD.replace("spec:\n",
        ofClass.formatted("it-exempt")), "create", "-n", namespace, "-f", "-", "--dry-run=server");
    Kubectl.Result otherClass = kubectl.withInput(HOST_PATH_POD.replace("spec:\n",
        ofClass.formatted("it-other")), "create", "-n", namespace, "-f", "-", "--dry-run=server");

    assertThat(byExemptUser.exitCode()).as(byExemptUser.toString()).isZero();
    assertThat(byExemptUser.out()).contains("pod/x created (server dry run)");
    assertThat(exemptClass.exitCode()).as(exemptClass.toString()).isZero();
    assertThat(otherClass.exitCode()).isNotZero();
    assertThat(otherClass.err()).contains("violates PodSecurity \"baseline:latest\":"
        + " hostPath volumes (volume \"h\")");
  }

  /**
   * kube-system is exempt by default (capstan.pod-security.exempt-namespaces), as kubeadm's and
   * k3s' clusters exempt it: a hostPath pod there is not checked, while the same pod is refused in
   * an ordinary namespace.
   */
  @Test
  void kubeSystemIsExemptByDefault() {
    Kubectl.Result inKubeSystem = kubectl.withInput(HOST_PATH_POD, "create", "-n", "kube-system",
        "-f", "-", "--dry-run=server");
    Kubectl.Result elsewhere = create(SERVER.newNamespace(), HOST_PATH_POD);

    assertThat(inKubeSystem.exitCode()).as(inKubeSystem.toString()).isZero();
    assertThat(inKubeSystem.out()).contains("pod/x created (server dry run)");
    assertThat(inKubeSystem.err()).doesNotContain("PodSecurity");
    assertThat(elsewhere.exitCode()).isNotZero();
    assertThat(elsewhere.err()).contains("violates PodSecurity \"baseline:latest\"");
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

  /**
   * An EndpointSlice may not point at the node's own special addresses either: link-local (the
   * cloud metadata address) and link-local multicast, in kube-apiserver's words.
   */
  @Test
  void endpointSlicesOnLinkLocalOrMulticastAddressesAreInvalid() {
    String namespace = SERVER.newNamespace();

    Kubectl.Result refused = create(namespace, """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: meta
        addressType: IPv4
        endpoints:
        - addresses: ["10.244.0.5"]
        - addresses: ["169.254.169.254"]
        - addresses: ["224.0.0.251"]
        ports:
        - {name: "", port: 80, protocol: TCP}
        """);

    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.err()).contains("The EndpointSlice \"meta\" is invalid:")
        .contains("endpoints[1].addresses[0]: Invalid value: \"169.254.169.254\": may not be in"
            + " the link-local range (169.254.0.0/16, fe80::/10)")
        .contains("endpoints[2].addresses[0]: Invalid value: \"224.0.0.251\": may not be in the"
            + " link-local multicast range (224.0.0.0/24, ff02::/10)");
    assertThat(kubectl.run("get", "endpointslices", "-n", namespace).err())
        .contains("No resources found");
  }
}
