package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PersistentVolumes, PersistentVolumeClaims and StorageClasses against the deployed control
 * plane with real kubectl: kubectl's columns, static binding as Kubernetes' binder binds
 * (smallest volume that fits, class, access modes, selector), a claim nothing matches Pending
 * with the binder's event, release and reclaim when the claim goes, the protection finalizers,
 * and Kubernetes' 422s for bad manifests. Volumes and classes are cluster-scoped: every name
 * carries this run's suffix.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class StorageIT {

  private static final TestServer SERVER = TestServer.SUITE;
  private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
  private final Kubectl kubectl = Kubectl.against(SERVER);

  @AfterAll
  static void removeVolumes() {
    for (String name : new String[] {"small", "large", "fast", "gone", "kept", "held"}) {
      Http.delete(SERVER.api("/api/v1/persistentvolumes/pv-" + name + "-" + SUFFIX));
    }
    Http.delete(SERVER.api("/apis/storage.k8s.io/v1/storageclasses/fast-" + SUFFIX));
  }

  @Test
  void aClaimIsBoundToTheSmallestVolumeThatFitsAndKubectlShowsBoth() {
    String namespace = SERVER.newNamespace();
    // labelled and claimed by that label: other tests' volumes stay out of the choice
    String mine = "metadata: {labels: {test: binding-" + SUFFIX + "}, ";
    String selected = "spec:\n  selector: {matchLabels: {test: binding-" + SUFFIX + "}}";
    create(null, volume("small", "1Gi", "ReadWriteOnce", "Retain", "").replace("metadata: {", mine)
        + "---\n" + volume("large", "10Gi", "ReadWriteOnce", "Retain", "")
        .replace("metadata: {", mine)
        + "---\n" + volume("fast", "1Gi", "ReadWriteOnce", "Retain", "fast-" + SUFFIX));
    create(namespace, claim("data", "500Mi", "ReadWriteOnce", "").replace("spec:", selected));

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(kubectl.run("get", "pvc", "-n", namespace).out())
            .containsPattern("(?m)^NAME\\s+STATUS\\s+VOLUME\\s+CAPACITY\\s+ACCESS MODES\\s+"
                + "STORAGECLASS\\s+(VOLUMEATTRIBUTESCLASS\\s+)?AGE\\s*$")
            .containsPattern("(?m)^data\\s+Bound\\s+pv-small-" + SUFFIX + "\\s+1Gi\\s+RWO\\s+"
                + "(<unset>\\s+)?\\S+\\s*$"));
    Kubectl.Result volumes = kubectl.run("get", "pv", "pv-small-" + SUFFIX, "pv-large-" + SUFFIX);
    assertThat(volumes.out()).as(volumes.out())
        .containsPattern("(?m)^NAME\\s+CAPACITY\\s+ACCESS MODES\\s+RECLAIM POLICY\\s+STATUS\\s+"
            + "CLAIM\\s+STORAGECLASS\\s+(VOLUMEATTRIBUTESCLASS\\s+)?REASON\\s+AGE\\s*$")
        .containsPattern("(?m)^pv-small-" + SUFFIX + "\\s+1Gi\\s+RWO\\s+Retain\\s+Bound\\s+"
            + namespace + "/data\\s+(<unset>\\s+)?\\S+\\s*$")
        .containsPattern("(?m)^pv-large-" + SUFFIX + "\\s+10Gi\\s+RWO\\s+Retain\\s+Available"
            + "\\s+(<unset>\\s+)?\\S+\\s*$");
    Kubectl.Result yaml = kubectl.run("get", "pvc", "data", "-n", namespace, "-o", "yaml");
    assertThat(yaml.out()).as(yaml.out()).contains("pv.kubernetes.io/bind-completed: \"yes\"",
        "pv.kubernetes.io/bound-by-controller: \"yes\"", "volumeName: pv-small-" + SUFFIX,
        "- kubernetes.io/pvc-protection", "volumeMode: Filesystem", "phase: Bound",
        "storage: 1Gi");
    Kubectl.Result pvYaml = kubectl.run("get", "pv", "pv-small-" + SUFFIX, "-o", "yaml");
    assertThat(pvYaml.out()).as(pvYaml.out()).contains("- kubernetes.io/pv-protection",
        "kind: PersistentVolumeClaim", "name: data", "namespace: " + namespace);

    // a claim of the class the only fitting volume has; then one nothing fits
    create(namespace, claim("quick", "1Gi", "ReadWriteOnce", "fast-" + SUFFIX));
    create(namespace, claim("shared", "1Gi", "ReadWriteMany", "").replace("spec:", selected));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(kubectl.run("get", "pvc", "quick", "-n", namespace).out())
          .containsPattern("quick\\s+Bound\\s+pv-fast-" + SUFFIX + "\\s+1Gi\\s+RWO\\s+fast-"
              + SUFFIX);
      assertThat(kubectl.run("get", "pvc", "shared", "-n", namespace).out())
          .containsPattern("shared\\s+Pending\\s+");
      assertThat(kubectl.run("describe", "pvc", "shared", "-n", namespace).out())
          .containsPattern("Normal\\s+FailedBinding\\s+.*persistentvolume-controller\\s+no"
              + " persistent volumes available for this claim and no storage class is set");
    });
  }

  @Test
  void aReleasedVolumeIsKeptOrDeletedByItsReclaimPolicy() {
    String namespace = SERVER.newNamespace();
    create(null, volume("kept", "2Gi", "ReadWriteOnce", "Retain", "")
        .replace("metadata: {", "metadata: {labels: {policy: keep-" + SUFFIX + "}, ")
        + "---\n" + volume("gone", "2Gi", "ReadWriteOnce", "Delete", "")
        .replace("metadata: {", "metadata: {labels: {policy: delete-" + SUFFIX + "}, "));
    create(namespace, claim("keep", "2Gi", "ReadWriteOnce", "")
        .replace("spec:", "spec:\n  selector: {matchLabels: {policy: keep-" + SUFFIX + "}}"));
    create(namespace, claim("drop", "2Gi", "ReadWriteOnce", "")
        .replace("spec:", "spec:\n  selector: {matchLabels: {policy: delete-" + SUFFIX + "}}"));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(kubectl.run("get", "pvc", "-n", namespace).out())
            .containsPattern("keep\\s+Bound\\s+pv-kept-" + SUFFIX)
            .containsPattern("drop\\s+Bound\\s+pv-gone-" + SUFFIX));

    Kubectl.Result deleted = kubectl.run("delete", "pvc", "keep", "drop", "-n", namespace);
    assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(kubectl.run("get", "pv", "pv-kept-" + SUFFIX).out())
          .containsPattern("pv-kept-" + SUFFIX + "\\s+2Gi\\s+RWO\\s+Retain\\s+Released\\s+"
              + namespace + "/keep\\s");
      assertThat(kubectl.run("get", "pv", "pv-gone-" + SUFFIX).err())
          .contains("persistentvolumes \"pv-gone-" + SUFFIX + "\" not found");
    });
  }

  @Test
  void aClaimInUseAndABoundVolumeAreKeptUntilNothingNeedsThem() {
    String namespace = SERVER.newNamespace();
    create(null, volume("held", "1Gi", "ReadWriteOnce", "Retain", "")
        .replace("metadata: {", "metadata: {labels: {use: held-" + SUFFIX + "}, "));
    create(namespace, claim("db", "1Gi", "ReadWriteOnce", "")
        .replace("spec:", "spec:\n  selector: {matchLabels: {use: held-" + SUFFIX + "}}"));
    // a pod that uses the claim (and waits on no node: no scheduler by that name)
    create(namespace, """
        apiVersion: v1
        kind: Pod
        metadata: {name: user}
        spec:
          schedulerName: nobody
          terminationGracePeriodSeconds: 0
          containers: [{name: c, image: capstan/busybox:1, volumeMounts: [{name: data, mountPath: /data}]}]
          volumes: [{name: data, persistentVolumeClaim: {claimName: db}}]
        """);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(kubectl.run("get", "pvc", "db", "-n", namespace).out())
            .containsPattern("db\\s+Bound\\s+pv-held-" + SUFFIX));

    assertThat(kubectl.run("delete", "pv", "pv-held-" + SUFFIX, "--wait=false").exitCode())
        .isZero();
    assertThat(kubectl.run("delete", "pvc", "db", "-n", namespace, "--wait=false").exitCode())
        .isZero();
    // both stay while the pod uses the claim
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(kubectl.run("get", "pvc", "db", "-n", namespace).out())
          .containsPattern("db\\s+Terminating\\s+pv-held-" + SUFFIX);
      assertThat(kubectl.run("get", "pv", "pv-held-" + SUFFIX).out())
          .containsPattern("pv-held-" + SUFFIX + "\\s+1Gi\\s+RWO\\s+Retain\\s+Terminating\\s");
    });

    assertThat(kubectl.run("delete", "pod", "user", "-n", namespace).exitCode()).isZero();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(kubectl.run("get", "pvc", "db", "-n", namespace).err())
          .contains("persistentvolumeclaims \"db\" not found");
      assertThat(kubectl.run("get", "pv", "pv-held-" + SUFFIX).err())
          .contains("persistentvolumes \"pv-held-" + SUFFIX + "\" not found");
    });
  }

  @Test
  void badManifestsAreRefusedNamingTheField() {
    String namespace = SERVER.newNamespace();
    Kubectl.Result noModes = kubectl.withInput("""
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: bad}
        spec: {resources: {requests: {storage: 1Gi}}}
        """, "create", "-n", namespace, "-f", "-");
    assertThat(noModes.exitCode()).isNotZero();
    assertThat(noModes.err()).contains("The PersistentVolumeClaim \"bad\" is invalid:"
        + " spec.accessModes: Required value: at least 1 access mode is required");

    Kubectl.Result noStorage = kubectl.withInput(claim("bad", "1Gi", "ReadWriteOnce", "")
        .replace("storage: 1Gi", "cpu: \"1\""), "create", "-n", namespace, "-f", "-");
    assertThat(noStorage.err()).contains("spec.resources[storage]: Required value");

    Kubectl.Result noSource = kubectl.withInput(volume("bad", "1Gi", "ReadWriteOnce", "Retain",
        "").replace("  hostPath: {path: /tmp/pv-bad-" + SUFFIX + "}\n", ""), "create", "-f", "-");
    assertThat(noSource.err()).contains("spec: Required value: must specify a volume type");

    Kubectl.Result badMode = kubectl.withInput("""
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata: {name: bad-%s}
        provisioner: example.com/x
        volumeBindingMode: Later
        """.formatted(SUFFIX), "create", "-f", "-");
    assertThat(badMode.err()).contains("volumeBindingMode: Unsupported value: \"Later\":"
        + " supported values: \"Immediate\", \"WaitForFirstConsumer\"");

    // a claim's spec does not change but for its request (this one, of a class that does not
    // exist, stays Pending)
    create(namespace, claim("fixed", "1Gi", "ReadWriteOnce", "none-" + SUFFIX));
    Kubectl.Result changed = kubectl.run("patch", "pvc", "fixed", "-n", namespace, "--type=merge",
        "-p", "{\"spec\":{\"accessModes\":[\"ReadWriteMany\"]}}");
    assertThat(changed.exitCode()).isNotZero();
    assertThat(changed.err()).contains("spec: Forbidden: spec is immutable after creation except"
        + " resources.requests and volumeAttributesClassName for bound claims");
  }

  @Test
  void aStorageClassIsListedWithKubectlsColumns() {
    create(null, """
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata: {name: fast-%s}
        provisioner: example.com/fast
        reclaimPolicy: Retain
        volumeBindingMode: WaitForFirstConsumer
        allowVolumeExpansion: true
        """.formatted(SUFFIX));
    Kubectl.Result listed = kubectl.run("get", "sc", "fast-" + SUFFIX);
    assertThat(listed.out()).as(listed.out())
        .containsPattern("(?m)^NAME\\s+PROVISIONER\\s+RECLAIMPOLICY\\s+VOLUMEBINDINGMODE\\s+"
            + "ALLOWVOLUMEEXPANSION\\s+AGE\\s*$")
        .containsPattern("(?m)^fast-" + SUFFIX + "\\s+example.com/fast\\s+Retain\\s+"
            + "WaitForFirstConsumer\\s+true\\s+\\S+\\s*$");
    Kubectl.Result changed = kubectl.run("patch", "sc", "fast-" + SUFFIX, "--type=merge", "-p",
        "{\"provisioner\":\"example.com/slow\"}");
    assertThat(changed.err()).contains("provisioner: Forbidden: updates to provisioner are"
        + " forbidden.");
  }

  private void create(String namespace, String manifest) {
    Kubectl.Result created = namespace == null
        ? kubectl.withInput(manifest, "create", "-f", "-")
        : kubectl.withInput(manifest, "create", "-n", namespace, "-f", "-");
    assertThat(created.exitCode()).as(created.toString()).isZero();
  }

  private static String volume(String name, String size, String mode, String policy,
      String className) {
    return """
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: pv-%s-%s}
        spec:
          capacity: {storage: %s}
          accessModes: [%s]
          persistentVolumeReclaimPolicy: %s
        %s  hostPath: {path: /tmp/pv-%s-%s}
        """.formatted(name, SUFFIX, size, mode, policy,
        className.isEmpty() ? "" : "  storageClassName: " + className + "\n", name, SUFFIX);
  }

  /** A claim of the class named, or of none ({@code ""}: not the cluster's default class). */
  private static String claim(String name, String size, String mode, String className) {
    return """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: %s}
        spec:
          accessModes: [%s]
        %s  resources: {requests: {storage: %s}}
        """.formatted(name, mode, "  storageClassName: \"" + className + "\"\n", size);
  }
}
