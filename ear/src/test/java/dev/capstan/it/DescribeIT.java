package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.NodeAgent;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code kubectl describe} and {@code kubectl get -o yaml} on one realistic object of every kind
 * the API serves (the list is checked against the kind registry, so a new kind fails this test
 * until it is added here), with the kubectl matching the server and with the newest client on
 * the machine: kubectl trusts the fields Kubernetes' controllers always write and panics on a
 * missing pointer (kubectl 1.31+ {@code describe service} read a slice port's {@code name}).
 * The objects are a node of a real agent on real Docker, a Deployment with its ReplicaSet and
 * pods behind a Service with an unnamed port, the books' manifests (a replication controller, a
 * service with hand-written Endpoints, a quota), and one of each other kind.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DescribeIT {

  private static final TestServer SERVER = TestServer.SUITE;
  private static final String IMAGE = NodeAgentIT.IMAGE;
  private static final String NODE = "it-describe-" + UUID.randomUUID().toString().substring(0, 6);

  private static NodeAgent agent;
  private static String namespace;
  private final Kubectl kubectl = Kubectl.against(SERVER);

  /** What to describe for one kind, and lines its description must show. */
  private record Target(String namespace, String name, List<String> patterns) {}

  @BeforeAll
  static void startAgentAndCreateObjects() throws Exception {
    Path dir = Files.createTempDirectory("capstan-agent");
    agent = NodeAgent.start(NodeAgentIT.config(NODE, Docker.host(),
        NodeAgentIT.freeKubeletPort(), dir));
    Kubectl kubectl = Kubectl.against(SERVER);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(kubectl.run("get", "nodes", NODE).out()).containsPattern(NODE + "\\s+Ready"));
    NodeAgentIT.keepOtherPodsAway(SERVER, NODE);
    namespace = SERVER.newNamespace();
    apply(kubectl, """
        apiVersion: v1
        kind: LimitRange
        metadata: {name: defaults}
        spec:
          limits:
          - type: Container
            default: {cpu: 100m, memory: 64Mi}
            defaultRequest: {cpu: 10m, memory: 16Mi}
        """);
    apply(kubectl, """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, labels: {app: web}}
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              %1$s
              containers:
              - name: web
                image: %2$s
                command: [httpd, -f, -p, "8080", -h, /]
                ports: [{containerPort: 8080}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, labels: {app: web}}
        spec: {ports: [{port: 80, targetPort: 8080}], selector: {app: web}}
        ---
        apiVersion: v1
        kind: ReplicationController
        metadata: {name: node-js, labels: {name: node-js}}
        spec:
          replicas: 1
          selector: {name: node-js}
          template:
            metadata: {labels: {name: node-js}}
            spec:
              %1$s
              containers:
              - name: node-js
                image: %2$s
                command: [httpd, -f, -p, "80", -h, /]
                ports: [{containerPort: 80}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: external}
        spec: {ports: [{name: http, port: 80}]}
        ---
        apiVersion: v1
        kind: Endpoints
        metadata: {name: external}
        subsets: [{addresses: [{ip: 192.168.1.10}], ports: [{name: http, port: 80, protocol: TCP}]}]
        ---
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent}
        spec:
          selector: {matchLabels: {app: agent}}
          template:
            metadata: {labels: {app: agent}}
            spec:
              %1$s
              containers: [{name: agent, image: %2$s, command: [sleep, "3600"]}]
        ---
        apiVersion: batch/v1
        kind: Job
        metadata: {name: once}
        spec:
          backoffLimit: 0
          template:
            spec:
              %1$s
              restartPolicy: Never
              containers: [{name: once, image: %2$s, command: [sh, -c, echo done]}]
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          serviceName: db
          replicas: 1
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec:
              %1$s
              containers: [{name: db, image: %2$s, command: [sleep, "3600"]}]
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: nightly}
        spec:
          schedule: "0 3 * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers: [{name: nightly, image: %2$s, command: [echo, night]}]
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: web}
        spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}
        ---
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: web}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
          minReplicas: 2
          maxReplicas: 3
          metrics:
          - type: Resource
            resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        data: {greeting: hello}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: credentials}
        stringData: {password: s3cret}
        """.formatted("""
        nodeSelector: {kubernetes.io/hostname: %s}
              terminationGracePeriodSeconds: 1
              tolerations: [{key: capstan.dev/test-agent, operator: Exists, effect: NoSchedule}]"""
            .formatted(NODE), IMAGE));
    // Capstan stores events.k8s.io Events apart from core ones (Kubernetes serves one resource
    // through both groups), so this one is written through its own group
    apply(kubectl, """
        apiVersion: events.k8s.io/v1
        kind: Event
        metadata: {name: web-rollout}
        eventTime: "%s"
        reportingController: example.com/deployer
        reportingInstance: deployer-1
        action: Deploy
        reason: Deployed
        regarding: {apiVersion: apps/v1, kind: Deployment, name: web}
        note: Deployed web
        type: Normal
        """.formatted(java.time.format.DateTimeFormatter.ofPattern(
            "yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").format(java.time.LocalDateTime.now(
                java.time.ZoneOffset.UTC))));
    apply(kubectl, """
        apiVersion: v1
        kind: ResourceQuota
        metadata: {name: test-quotas}
        spec: {hard: {pods: "10", services: "5", replicationcontrollers: "1"}}
        """);
    apply(kubectl, """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: pod-reader}
        rules:
        - {apiGroups: [""], resources: [pods, pods/log], verbs: [get, list, watch]}
        """);
    apply(kubectl, """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: read-pods}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
        subjects:
        - {kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}
        - {kind: ServiceAccount, name: default}
        """);
    // storage: a class, a volume and a claim bound to it (cluster-scoped ones named after NODE)
    apply(kubectl, """
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata: {name: %1$s}
        provisioner: example.com/none
        volumeBindingMode: WaitForFirstConsumer
        ---
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: %1$s}
        spec:
          capacity: {storage: 1Gi}
          accessModes: [ReadWriteOnce]
          storageClassName: %1$s
          hostPath: {path: /tmp/%1$s}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: data}
        spec:
          accessModes: [ReadWriteOnce]
          storageClassName: %1$s
          volumeName: %1$s
          resources: {requests: {storage: 1Gi}}
        """.formatted(NODE));
    await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
      assertThat(kubectl.run("get", "pvc", "data", "-n", namespace).out())
          .containsPattern("data\\s+Bound\\s+" + NODE);
      assertThat(kubectl.run("get", "deployment", "web", "-n", namespace).out())
          .containsPattern("web\\s+2/2\\s+2\\s+2");
      assertThat(kubectl.run("get", "rc", "node-js", "-n", namespace).out())
          .containsPattern("node-js\\s+1\\s+1\\s+1");
      assertThat(kubectl.run("get", "ds", "agent", "-n", namespace).out())
          .containsPattern("agent\\s+1\\s+1\\s+1");
      assertThat(kubectl.run("get", "sts", "db", "-n", namespace).out())
          .containsPattern("db\\s+1/1\\s");
      assertThat(String.valueOf(job().getJsonObject("status").get("conditions")))
          .contains("\"Complete\"");
      assertThat(readyAddresses("web")).as("ready addresses of web").isEqualTo(2);
    });
  }

  /** Ready addresses in an Endpoints object; 0 while it has no subsets yet. */
  private static int readyAddresses(String service) {
    JsonObject endpoints = Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace
        + "/endpoints/" + service)));
    return endpoints.getJsonArray("subsets") == null ? 0
        : endpoints.getJsonArray("subsets").getValuesAs(JsonObject.class).stream()
            .mapToInt(subset -> subset.containsKey("addresses")
                ? subset.getJsonArray("addresses").size() : 0)
            .sum();
  }

  private static JsonObject job() {
    return Http.json(Http.get(SERVER.api("/apis/batch/v1/namespaces/" + namespace
        + "/jobs/once")));
  }

  private static void apply(Kubectl kubectl, String manifest) {
    Kubectl.Result created = kubectl.withInput(manifest, "create", "-n", namespace, "-f", "-");
    assertThat(created.exitCode()).as(created.toString()).isZero();
  }

  @AfterAll
  static void stopAgent() {
    if (namespace != null) {
      Http.delete(SERVER.api("/api/v1/namespaces/" + namespace));
    }
    Http.delete(SERVER.api("/api/v1/persistentvolumes/" + NODE));
    Http.delete(SERVER.api("/apis/storage.k8s.io/v1/storageclasses/" + NODE));
    if (agent != null) {
      agent.close();
    }
    Docker.removeContainersOf(NODE);
    Http.delete(SERVER.api("/api/v1/nodes/" + NODE));
  }

  @Test
  void everyServedKindIsDescribedWithTheServersKubectl() {
    describeEverything(kubectl);
  }

  @Test
  void everyServedKindIsDescribedWithTheNewestKubectl() {
    Optional<Path> newest = Kubectl.newestClient();
    org.junit.jupiter.api.Assumptions.assumeTrue(newest.isPresent(),
        "no versioned kubectl (kubectl.1.N) beside the kubectl on the PATH");
    Kubectl client = kubectl.using(newest.get());
    assertThat(client.run("version", "--client").out()).as("newest client " + newest.get())
        .containsPattern("Client Version: v1\\.(3[1-9]|[4-9]\\d)");
    describeEverything(client);
  }

  @Test
  void theTestDescribesEveryKindTheServerServes() {
    // access reviews are only ever created, answered and never stored: nothing to describe
    assertThat(targets().keySet()).containsExactlyInAnyOrderElementsOf(
        ResourceTypes.all().stream().filter(type -> !type.createOnly())
            .map(DescribeIT::resource).distinct().toList());
  }

  private void describeEverything(Kubectl client) {
    List<String> failures = new ArrayList<>();
    targets().forEach((resource, target) -> {
      List<String> scope = target.namespace() == null ? List.of()
          : List.of("-n", target.namespace());
      Kubectl.Result described = client.run(args("describe", resource, target.name(), scope));
      Kubectl.Result yaml = client.run(args("get", resource, target.name(), scope, "-o", "yaml"));
      String check = checkDescribed(resource, target, described)
          + checkYaml(resource, target, yaml);
      if (!check.isEmpty()) {
        failures.add(check);
      }
    });
    assertThat(failures).as("kinds kubectl could not describe or print").isEmpty();
  }

  private static String checkDescribed(String resource, Target target, Kubectl.Result result) {
    StringBuilder problems = new StringBuilder();
    if (result.exitCode() != 0 || (result.out() + result.err()).contains("panic")) {
      problems.append("describe failed");
    } else {
      if (!result.out().matches("(?s)Name:\\s+" + java.util.regex.Pattern.quote(target.name())
          + "\\n.*")) {
        problems.append("no Name: line; ");
      }
      for (String pattern : target.patterns()) {
        if (!java.util.regex.Pattern.compile(pattern, java.util.regex.Pattern.MULTILINE)
            .matcher(result.out()).find()) {
          problems.append("missing /").append(pattern).append("/; ");
        }
      }
    }
    return problems.isEmpty() ? ""
        : "kubectl describe " + resource + " " + target.name() + ": " + problems + "\n" + result
            + "\n";
  }

  private static String checkYaml(String resource, Target target, Kubectl.Result result) {
    if (result.exitCode() == 0 && result.out().contains("\n  name: " + target.name() + "\n")
        && !result.err().contains("panic")) {
      return "";
    }
    return "kubectl get " + resource + " " + target.name() + " -o yaml:\n" + result + "\n";
  }

  private static String[] args(String verb, String resource, String name, List<String> scope,
      String... more) {
    List<String> args = new ArrayList<>(List.of(verb, resource, name));
    args.addAll(scope);
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  /** The resource name kubectl takes, fully qualified so core and events.k8s.io Events differ. */
  private static String resource(ResourceType type) {
    return type.group().isEmpty() ? type.plural() : type.plural() + "." + type.group();
  }

  private Map<String, Target> targets() {
    String ns = namespace;
    String pod = firstName("/api/v1/namespaces/" + ns + "/pods?labelSelector=app%3Dweb");
    String replicaSet = firstName("/apis/apps/v1/namespaces/" + ns + "/replicasets");
    String slice = firstName("/apis/discovery.k8s.io/v1/namespaces/" + ns
        + "/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dweb");
    String event = firstName("/api/v1/namespaces/" + ns + "/events");
    String revision = firstName("/apis/apps/v1/namespaces/" + ns
        + "/controllerrevisions?labelSelector=app%3Dagent");
    String ip = "\\d+\\.\\d+\\.\\d+\\.\\d+";
    Map<String, Target> targets = new LinkedHashMap<>();
    targets.put("namespaces", new Target(null, ns, List.of("^Status:\\s+Active",
        "^Resource Quotas", "pods\\s+\\d+\\s+10", "Container\\s+cpu\\s+-\\s+-\\s+10m\\s+100m")));
    targets.put("nodes", new Target(null, NODE, List.of("^\\s+Ready\\s+True",
        "^Addresses:\\n\\s+InternalIP:\\s+127\\.0\\.0\\.1", "Container Runtime Version:\\s+docker://",
        "^Non-terminated Pods:\\s+\\(\\d+ in total\\)", "^Allocated resources:",
        "^Taints:\\s+capstan.dev/test-agent:NoSchedule", "^\\s+ephemeral-storage:\\s+\\d+Ki",
        "^Events:")));
    targets.put("pods", new Target(ns, pod, List.of("^Node:\\s+" + NODE + "/127\\.0\\.0\\.1",
        "^Status:\\s+Running", "^IP:\\s+" + ip, "^Priority:\\s+0$",
        "^Service Account:\\s+default$", "^Controlled By:\\s+ReplicaSet/" + replicaSet,
        "^\\s+State:\\s+Running", "^\\s+Ready:\\s+True", "^\\s+Restart Count:\\s+0",
        "^\\s+Limits:\\n\\s+cpu:\\s+100m", "^QoS Class:\\s+Burstable", "^\\s+Ready\\s+True",
        "^Events:", "Normal\\s+Started\\s+.*kubelet\\s+Started container web")));
    targets.put("services", new Target(ns, "web", List.of("^Selector:\\s+app=web",
        "^IP:\\s+" + ip, "^Port:\\s+<unset>\\s+80/TCP", "^TargetPort:\\s+8080/TCP",
        "^Endpoints:\\s+" + ip + ":8080," + ip + ":8080\\n", "^Session Affinity:\\s+None",
        "^Events:")));
    targets.put("endpoints", new Target(ns, "web", List.of("^\\s+Addresses:\\s+" + ip + ","
        + ip, "^\\s+<unset>\\s+8080\\s+TCP")));
    targets.put("replicationcontrollers", new Target(ns, "node-js", List.of(
        "^Replicas:\\s+1 current / 1 desired",
        "^Pods Status:\\s+1 Running / 0 Waiting / 0 Succeeded / 0 Failed",
        "SuccessfulCreate\\s+.*Created pod: node-js-")));
    targets.put("events", new Target(ns, event, List.of("^Reason:", "^Source:")));
    targets.put("configmaps", new Target(ns, "settings", List.of("^greeting:\\n-+\\nhello")));
    targets.put("secrets", new Target(ns, "credentials", List.of("^Type:\\s+Opaque",
        "^password:\\s+6 bytes")));
    targets.put("resourcequotas", new Target(ns, "test-quotas", List.of(
        "^pods\\s+[1-9]\\d*\\s+10", "^replicationcontrollers\\s+1\\s+1")));
    targets.put("limitranges", new Target(ns, "defaults", List.of(
        "Container\\s+memory\\s+-\\s+-\\s+16Mi\\s+64Mi")));
    targets.put("serviceaccounts", new Target(ns, "default", List.of("^Tokens:")));
    targets.put("componentstatuses", new Target(null, "etcd-0", List.of("Healthy")));
    targets.put("deployments.apps", new Target(ns, "web", List.of(
        "^Replicas:\\s+2 desired \\| 2 updated \\| 2 total \\| 2 available \\| 0 unavailable",
        "^StrategyType:\\s+RollingUpdate", "^\\s+Available\\s+True\\s+MinimumReplicasAvailable",
        "^\\s+Progressing\\s+True\\s+NewReplicaSetAvailable",
        "^NewReplicaSet:\\s+" + replicaSet + " \\(2/2 replicas created\\)",
        "ScalingReplicaSet\\s+.*Scaled up replica set " + replicaSet)));
    targets.put("replicasets.apps", new Target(ns, replicaSet, List.of(
        "^Controlled By:\\s+Deployment/web", "^Replicas:\\s+2 current / 2 desired",
        "^Pods Status:\\s+2 Running",
        "SuccessfulCreate\\s+.*replicaset-controller\\s+Created pod: " + replicaSet + "-")));
    targets.put("daemonsets.apps", new Target(ns, "agent", List.of(
        "^Desired Number of Nodes Scheduled: 1", "^Number of Nodes Scheduled with Up-to-date "
            + "Pods: 1", "^Pods Status:\\s+1 Running")));
    targets.put("persistentvolumes", new Target(null, NODE, List.of(
        "^StorageClass:\\s+" + NODE, "^Status:\\s+Bound", "^Claim:\\s+" + ns + "/data",
        "^Reclaim Policy:\\s+Retain", "^Access Modes:\\s+RWO", "^Capacity:\\s+1Gi",
        "^\\s+Type:\\s+HostPath", "^\\s+Path:\\s+/tmp/" + NODE)));
    targets.put("persistentvolumeclaims", new Target(ns, "data", List.of(
        "^StorageClass:\\s+" + NODE, "^Status:\\s+Bound", "^Volume:\\s+" + NODE,
        "^Capacity:\\s+1Gi", "^Access Modes:\\s+RWO", "^VolumeMode:\\s+Filesystem",
        "^Finalizers:\\s+\\[kubernetes.io/pvc-protection\\]")));
    targets.put("storageclasses.storage.k8s.io", new Target(null, NODE, List.of(
        "^Provisioner:\\s+example.com/none", "^ReclaimPolicy:\\s+Delete",
        "^VolumeBindingMode:\\s+WaitForFirstConsumer")));
    targets.put("statefulsets.apps", new Target(ns, "db", List.of(
        "^Replicas:\\s+1 desired \\| 1 total", "^Update Strategy:\\s+RollingUpdate",
        "^Pods Status:\\s+1 Running")));
    targets.put("controllerrevisions.apps", new Target(ns, revision, List.of(
        "^Revision:\\s+1$", "^Kind:\\s+ControllerRevision$")));
    targets.put("jobs.batch", new Target(ns, "once", List.of(
        "^Pods Statuses:\\s+0 Active \\(0 Ready\\) / 1 Succeeded / 0 Failed", "^Completed At:",
        "SuccessfulCreate")));
    targets.put("cronjobs.batch", new Target(ns, "nightly", List.of("^Schedule:\\s+0 3 \\* \\* \\*",
        "^Concurrency Policy:\\s+Allow", "^Suspend:\\s+False")));
    targets.put("leases.coordination.k8s.io", new Target("kube-node-lease", NODE, List.of(
        "Holder Identity:\\s+" + NODE)));
    targets.put("poddisruptionbudgets.policy", new Target(ns, "web", List.of(
        "^Min available:\\s+1", "^\\s+Allowed disruptions:\\s+1", "^\\s+Current:\\s+2")));
    targets.put("horizontalpodautoscalers.autoscaling", new Target(ns, "web", List.of(
        "^Reference:\\s+Deployment/web", "^Min replicas:\\s+2", "^Max replicas:\\s+3",
        "resource cpu on pods\\s+\\(as a percentage of request\\):\\s+.* / 50%")));
    targets.put("events.events.k8s.io", new Target(ns, "web-rollout",
        List.of("^Reason:\\s+Deployed")));
    targets.put("endpointslices.discovery.k8s.io", new Target(ns, slice, List.of(
        "^AddressType:\\s+IPv4", "^\\s+<unset>\\s+8080\\s+TCP", "^\\s+- Addresses:\\s+" + ip,
        "^\\s+Conditions:\\n\\s+Ready:\\s+true", "^\\s+NodeName:\\s+" + NODE,
        "^\\s+TargetRef:\\s+Pod/web-")));
    targets.put("roles.rbac.authorization.k8s.io", new Target(ns, "pod-reader", List.of(
        "^PolicyRule:", "^\\s+pods/log\\s+\\[\\]\\s+\\[\\]\\s+\\[get list watch\\]")));
    targets.put("rolebindings.rbac.authorization.k8s.io", new Target(ns, "read-pods", List.of(
        "^Role:\\n\\s+Kind:\\s+Role\\n\\s+Name:\\s+pod-reader", "^\\s+User\\s+jane",
        "^\\s+ServiceAccount\\s+default")));
    targets.put("clusterroles.rbac.authorization.k8s.io", new Target(null, "view", List.of(
        "^PolicyRule:", "^\\s+pods\\s+\\[\\]\\s+\\[\\]\\s+\\[get list watch\\]")));
    targets.put("clusterrolebindings.rbac.authorization.k8s.io", new Target(null, "cluster-admin",
        List.of("^Role:\\n\\s+Kind:\\s+ClusterRole\\n\\s+Name:\\s+cluster-admin",
            "^\\s+Group\\s+system:masters")));
    return targets;
  }

  private static String firstName(String path) {
    JsonObject list = Http.json(Http.get(SERVER.api(path)));
    return list.getJsonArray("items").getValuesAs(JsonObject.class).stream()
        .map(item -> item.getJsonObject("metadata").getString("name"))
        .sorted().findFirst()
        .orElseThrow(() -> new AssertionError("nothing at " + path));
  }

  @Test
  void aCompletedJobHasTheStatusFieldsAndConditionsKubernetesWrites() {
    JsonObject status = job().getJsonObject("status");
    assertThat(status.getJsonArray("conditions").getValuesAs(JsonObject.class))
        .extracting(c -> c.getString("type") + "/" + c.getString("status") + "/"
            + c.getString("reason"))
        .containsExactly("SuccessCriteriaMet/True/CompletionsReached",
            "Complete/True/CompletionsReached");
    assertThat(status.getInt("terminating")).isZero();
    assertThat(status.getInt("ready")).isZero();
    assertThat(status.getJsonObject("uncountedTerminatedPods")).isEmpty();
    assertThat(status.getString("completionTime")).isNotEmpty();
    assertThat(kubectl.run("get", "job", "once", "-n", namespace).out())
        .containsPattern("(?m)^NAME\\s+STATUS\\s+COMPLETIONS\\s+DURATION\\s+AGE$")
        .containsPattern("(?m)^once\\s+Complete\\s+1/1\\s+\\d+s\\s+\\d+s$");
  }

  @Test
  void theAgentsNodeListsItsImagesAndStorageAsAKubeletDoes() {
    JsonObject status = Http.json(Http.get(SERVER.api("/api/v1/nodes/" + NODE)))
        .getJsonObject("status");
    assertThat(status.getJsonArray("images").getValuesAs(JsonObject.class))
        .anySatisfy(image -> {
          assertThat(image.getJsonArray("names").toString()).contains("\"" + IMAGE + "\"");
          assertThat(image.getJsonNumber("sizeBytes").longValue()).isPositive();
        });
    assertThat(status.getJsonObject("capacity").keySet()).contains("cpu", "memory", "pods",
        "ephemeral-storage", "hugepages-2Mi", "hugepages-1Gi");
  }

  @Test
  void servicesWithoutSelectorShowTheirEndpointsToo() {
    for (Kubectl client : clients()) {
      Kubectl.Result external = client.run("describe", "service", "external", "-n", namespace);
      assertThat(external.exitCode()).as(external.toString()).isZero();
      assertThat(external.out()).as("hand-written Endpoints, mirrored into a slice")
          .containsPattern("(?m)^Endpoints:\\s+192\\.168\\.1\\.10:80$");
      Kubectl.Result kubernetes = client.run("describe", "service", "kubernetes", "-n",
          "default");
      assertThat(kubernetes.exitCode()).as(kubernetes.toString()).isZero();
      assertThat(kubernetes.out()).as("the API servers, from the kubernetes slice")
          .containsPattern("(?m)^Port:\\s+https\\s+443/TCP$")
          .containsPattern("(?m)^Endpoints:\\s+\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+");
    }
  }

  private List<Kubectl> clients() {
    List<Kubectl> clients = new ArrayList<>(List.of(kubectl));
    Kubectl.newestClient().map(kubectl::using).ifPresent(clients::add);
    return clients;
  }

}
