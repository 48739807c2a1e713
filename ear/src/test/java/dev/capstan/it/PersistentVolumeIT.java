package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.NodeAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Claims used by pods on a real agent and Docker engine: the scheduler sends a pod to where its
 * volume is (a local volume's node affinity; a WaitForFirstConsumer claim bound to a volume on
 * the chosen node), the agent mounts the volume, and what one pod writes the next pod of the
 * same claim reads.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PersistentVolumeIT {

  private static final TestServer SERVER = TestServer.SUITE;
  private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
  private static final String NODE = "it-pv-" + SUFFIX;
  private static NodeAgent agent;
  private static HollowNodes other;
  private static Path storage;
  private final Kubectl kubectl = Kubectl.against(SERVER);

  @BeforeAll
  static void startAgent() throws Exception {
    storage = Files.createTempDirectory("capstan-pv-");
    agent = NodeAgent.start(NodeAgentIT.config(NODE, Docker.host(),
        NodeAgentIT.freeKubeletPort(), Files.createTempDirectory("capstan-agent-pv")), false);
    NodeAgentIT.keepOtherPodsAway(SERVER, NODE);
    // a second node with the same taint, where no volume is
    other = new HollowNodes(SERVER, java.util.List.of("it-pv-other-" + SUFFIX), "4", "{}");
    assertThat(Http.patch(SERVER.api("/api/v1/nodes/it-pv-other-" + SUFFIX),
        "application/merge-patch+json", "{\"spec\":{\"taints\":[{\"key\":"
            + "\"capstan.dev/test-agent\",\"effect\":\"NoSchedule\"}]}}").statusCode())
        .isEqualTo(200);
  }

  @AfterAll
  static void stopAgent() {
    if (agent != null) {
      agent.close();
    }
    if (other != null) {
      other.close();
    }
    Docker.removeContainersOf(NODE);
    for (String name : new String[] {"shared", "local"}) {
      Http.delete(SERVER.api("/api/v1/persistentvolumes/" + name + "-" + SUFFIX));
    }
    Http.delete(SERVER.api("/apis/storage.k8s.io/v1/storageclasses/local-" + SUFFIX));
  }

  @Test
  void whatOnePodWritesInItsClaimTheNextPodOfTheClaimReads() {
    String namespace = SERVER.newNamespace();
    create(null, """
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: shared-%1$s, labels: {volume: shared-%1$s}}
        spec:
          capacity: {storage: 1Gi}
          accessModes: [ReadWriteOnce]
          hostPath: {path: %2$s/shared, type: DirectoryOrCreate}
          nodeAffinity:
            required:
              nodeSelectorTerms:
              - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [%3$s]}]
        """.formatted(SUFFIX, storage, NODE));
    create(namespace, """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: data}
        spec:
          accessModes: [ReadWriteOnce]
          storageClassName: ""
          selector: {matchLabels: {volume: shared-%s}}
          resources: {requests: {storage: 1Gi}}
        """.formatted(SUFFIX));
    create(namespace, pod("writer", "data",
        "echo written-by-writer > /data/greeting && sleep 3600"));
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(kubectl.run("get", "pod", "writer", "-n", namespace, "-o", "wide").out())
            .as("the volume's node affinity sends the pod to " + NODE)
            .containsPattern("writer\\s+1/1\\s+Running\\s+.*\\s" + NODE + "\\s"));
    assertThat(Files.exists(storage.resolve("shared"))).isTrue();

    assertThat(kubectl.run("delete", "pod", "writer", "-n", namespace).exitCode()).isZero();
    create(namespace, pod("reader", "data", "cat /data/greeting && sleep 3600"));
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(kubectl.run("logs", "reader", "-n", namespace).out())
            .isEqualTo("written-by-writer\n"));
    Kubectl.Result described = kubectl.run("describe", "pvc", "data", "-n", namespace);
    assertThat(described.out()).as(described.out()).containsPattern("Used By:\\s+reader");
  }

  @Test
  void aClaimWaitingForItsFirstConsumerIsBoundWhereThePodGoes() {
    String namespace = SERVER.newNamespace();
    create(null, """
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata: {name: local-%1$s}
        provisioner: kubernetes.io/no-provisioner
        volumeBindingMode: WaitForFirstConsumer
        ---
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: local-%1$s}
        spec:
          capacity: {storage: 1Gi}
          accessModes: [ReadWriteOnce]
          storageClassName: local-%1$s
          local: {path: %2$s}
          nodeAffinity:
            required:
              nodeSelectorTerms:
              - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [%3$s]}]
        """.formatted(SUFFIX, storage, NODE));
    create(namespace, """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: late}
        spec:
          accessModes: [ReadWriteOnce]
          storageClassName: local-%s
          resources: {requests: {storage: 1Gi}}
        """.formatted(SUFFIX));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(kubectl.run("get", "pvc", "late", "-n", namespace).out())
          .containsPattern("late\\s+Pending\\s");
      assertThat(kubectl.run("describe", "pvc", "late", "-n", namespace).out())
          .containsPattern("Normal\\s+WaitForFirstConsumer\\s+.*persistentvolume-controller\\s+"
              + "waiting for first consumer to be created before binding");
    });

    create(namespace, pod("consumer", "late", "ls / > /dev/null && sleep 3600"));
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      assertThat(kubectl.run("get", "pvc", "late", "-n", namespace).out())
          .containsPattern("late\\s+Bound\\s+local-" + SUFFIX + "\\s+1Gi\\s+RWO\\s+local-" + SUFFIX);
      assertThat(kubectl.run("get", "pod", "consumer", "-n", namespace, "-o", "wide").out())
          .containsPattern("consumer\\s+1/1\\s+Running\\s+.*\\s" + NODE + "\\s");
    });
  }

  @Test
  void aClaimOfNoClassGetsADirectoryOnItsPodsNodeThatGoesWithTheClaim() throws Exception {
    String namespace = SERVER.newNamespace();
    Kubectl.Result classes = kubectl.run("get", "storageclass", "local-path");
    assertThat(classes.out()).as(classes.toString()).containsPattern("(?m)^local-path \\(default\\)"
        + "\\s+capstan.dev/local-path\\s+Delete\\s+WaitForFirstConsumer\\s+false\\s");
    create(namespace, """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: scratch}
        spec:
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 100Mi}}
        """);
    assertThat(kubectl.run("get", "pvc", "scratch", "-n", namespace, "-o",
        "jsonpath={.spec.storageClassName}").out()).isEqualTo("local-path");
    // pinned to the agent's node: other nodes of the suite tolerate nothing less, and a volume
    // made for a node that runs no pods would wait there
    create(namespace, pod("maker", "scratch", "echo made > /data/file && sleep 3600").replace(
        "  terminationGracePeriodSeconds: 0", "  nodeSelector: {kubernetes.io/hostname: " + NODE
            + "}\n  terminationGracePeriodSeconds: 0"));
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      assertThat(kubectl.run("get", "pvc", "scratch", "-n", namespace).out())
          .containsPattern("scratch\\s+Bound\\s+pvc-[0-9a-f-]{36}\\s+100Mi\\s+RWO\\s+local-path");
      assertThat(kubectl.run("get", "pod", "maker", "-n", namespace).out())
          .containsPattern("maker\\s+1/1\\s+Running");
    });
    String volume = kubectl.run("get", "pvc", "scratch", "-n", namespace, "-o",
        "jsonpath={.spec.volumeName}").out().trim();
    Kubectl.Result described = kubectl.run("describe", "pv", volume);
    assertThat(described.out()).as(described.out())
        .containsPattern("pv.kubernetes.io/provisioned-by: capstan.dev/local-path")
        .containsPattern("Term 0:\\s+kubernetes.io/hostname in \\[" + NODE + "\\]")
        .containsPattern("Reclaim Policy:\\s+Delete");
    String path = kubectl.run("get", "pv", volume, "-o", "jsonpath={.spec.hostPath.path}").out()
        .trim();
    assertThat(Files.readString(Path.of(path, "file"))).isEqualTo("made\n");
    assertThat(kubectl.run("describe", "pvc", "scratch", "-n", namespace).out())
        .containsPattern("Normal\\s+ProvisioningSucceeded\\s+.*capstan.dev/local-path\\s+"
            + "Successfully provisioned volume " + volume);

    // the claim goes with its pod, and its volume and directory with the claim
    assertThat(kubectl.run("delete", "pod", "maker", "-n", namespace).exitCode()).isZero();
    assertThat(kubectl.run("delete", "pvc", "scratch", "-n", namespace).exitCode()).isZero();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      assertThat(kubectl.run("get", "pv", volume).err())
          .contains("persistentvolumes \"" + volume + "\" not found");
      assertThat(Files.exists(Path.of(path))).as(path).isFalse();
    });
  }

  @Test
  void aStatefulSetsPodsKeepTheirDataAndNamesAcrossRestarts() {
    String namespace = SERVER.newNamespace();
    create(namespace, """
        apiVersion: v1
        kind: Service
        metadata: {name: nginx}
        spec:
          clusterIP: None
          selector: {app: nginx}
          ports: [{port: 80, name: web}]
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: web}
        spec:
          serviceName: nginx
          replicas: 2
          selector: {matchLabels: {app: nginx}}
          template:
            metadata: {labels: {app: nginx}}
            spec:
              terminationGracePeriodSeconds: 0
              nodeSelector: {kubernetes.io/hostname: %s}
              tolerations: [{key: capstan.dev/test-agent, operator: Exists, effect: NoSchedule}]
              containers:
              - name: main
                image: %s
                command: [sh, -c, "sleep 3600"]
                volumeMounts: [{name: www, mountPath: /data}]
          volumeClaimTemplates:
          - metadata: {name: www}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 10Mi}}
        """.formatted(NODE, NodeAgentIT.IMAGE));
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      assertThat(kubectl.run("get", "sts", "web", "-n", namespace).out())
          .containsPattern("web\\s+2/2\\s");
      assertThat(kubectl.run("get", "pvc", "-n", namespace).out())
          .containsPattern("www-web-0\\s+Bound\\s+pvc-").containsPattern("www-web-1\\s+Bound\\s+pvc-");
    });
    // the headless Service's endpoints carry the pods' stable hostnames (what DNS answers
    // web-1.nginx.<namespace>.svc with)
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(kubectl.run("get", "endpoints", "nginx", "-n", namespace, "-o",
            "jsonpath={.subsets[*].addresses[*].hostname}").out().split(" "))
            .containsExactlyInAnyOrder("web-0", "web-1"));

    Kubectl.Result wrote = kubectl.run("exec", "web-1", "-n", namespace, "--", "sh", "-c",
        "echo kept > /data/mark");
    assertThat(wrote.exitCode()).as(wrote.toString()).isZero();
    String uid = kubectl.run("get", "pod", "web-1", "-n", namespace, "-o",
        "jsonpath={.metadata.uid}").out();
    assertThat(kubectl.run("delete", "pod", "web-1", "-n", namespace).exitCode()).isZero();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      assertThat(kubectl.run("get", "pod", "web-1", "-n", namespace, "-o",
          "jsonpath={.metadata.uid}").out()).isNotEqualTo(uid).isNotEmpty();
      assertThat(kubectl.run("exec", "web-1", "-n", namespace, "--", "cat", "/data/mark").out())
          .isEqualTo("kept\n");
    });
  }

  @Test
  void aPodWhoseClaimIsMissingStaysPendingWithTheSchedulersWords() {
    String namespace = SERVER.newNamespace();
    create(namespace, pod("orphan", "nowhere", "sleep 3600"));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(kubectl.run("describe", "pod", "orphan", "-n", namespace).out())
            .containsPattern("Warning\\s+FailedScheduling\\s+.*default-scheduler\\s+0/\\d+ nodes"
                + " are available: persistentvolumeclaim \"nowhere\" not found."));
  }

  private void create(String namespace, String manifest) {
    Kubectl.Result created = namespace == null
        ? kubectl.withInput(manifest, "create", "-f", "-")
        : kubectl.withInput(manifest, "create", "-n", namespace, "-f", "-");
    assertThat(created.exitCode()).as(created.toString()).isZero();
  }

  private static String pod(String name, String claim, String script) {
    return """
        apiVersion: v1
        kind: Pod
        metadata: {name: %s}
        spec:
          terminationGracePeriodSeconds: 0
          tolerations: [{key: capstan.dev/test-agent, operator: Exists, effect: NoSchedule}]
          containers:
          - name: main
            image: %s
            command: [sh, -c, "%s"]
            volumeMounts: [{name: data, mountPath: /data}]
          volumes: [{name: data, persistentVolumeClaim: {claimName: %s}}]
        """.formatted(name, NodeAgentIT.IMAGE, script, claim);
  }
}
