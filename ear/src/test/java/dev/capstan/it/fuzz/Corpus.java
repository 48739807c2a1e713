package dev.capstan.it.fuzz;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;

/**
 * The manifests the fuzzer mutates: one valid object of each kind a user of the reference
 * books writes (shared/REFERENCE.md's pod, replication controller, service, quota; the
 * workloads, configuration and RBAC kinds the integration tests create), each with the fabric8
 * model class that a stored object of the kind must decode into.
 *
 * <p>Pods never leave Pending ({@code nodeSelector fuzz: never}) and workloads ask for few
 * replicas, so a fuzz run does not start containers; the run's namespace also gets a quota
 * ({@link #GUARD_QUOTA}) so that a mutated {@code replicas} cannot flood the server with pods.
 */
public final class Corpus {

  /** One kind: where it is served and a valid manifest of it (its name is set per case). */
  public record Kind(String kind, String apiVersion, String plural, boolean namespaced,
      Class<?> model, JsonObject manifest) {

    /** The collection path, e.g. {@code /apis/apps/v1/namespaces/ns/deployments}. */
    public String collection(String namespace) {
      String prefix = apiVersion.contains("/") ? "/apis/" + apiVersion : "/api/" + apiVersion;
      return prefix + (namespaced ? "/namespaces/" + namespace : "") + "/" + plural;
    }

    /** The path of one object. */
    public String object(String namespace, String name) {
      return collection(namespace) + "/" + name;
    }
  }

  private static final String POD_SPEC = """
      {"nodeSelector":{"fuzz":"never"},"terminationGracePeriodSeconds":0,
       "containers":[{"name":"node-js-pod","image":"bitnami/apache:latest",
         "ports":[{"containerPort":80,"name":"http","protocol":"TCP"}],
         "env":[{"name":"MODE","value":"fuzz"}],
         "resources":{"limits":{"memory":"512Mi","cpu":"500m"}},
         "livenessProbe":{"httpGet":{"path":"/status/","port":80},"initialDelaySeconds":30,"timeoutSeconds":1},
         "readinessProbe":{"tcpSocket":{"port":80},"initialDelaySeconds":15,"timeoutSeconds":1},
         "volumeMounts":[{"mountPath":"/memory-pd","name":"memory-volume"}]}],
       "volumes":[{"name":"memory-volume","emptyDir":{"medium":"Memory"}}]}""";

  /** A quota every fuzz namespace gets first, so that no mutation can make it run away. */
  public static final String GUARD_QUOTA = """
      {"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"fuzz-guard"},
       "spec":{"hard":{"pods":"20","services":"200","replicationcontrollers":"100"}}}""";

  public static final List<Kind> KINDS = List.of(
      kind("Pod", "v1", "pods", true, Pod.class, """
          {"apiVersion":"v1","kind":"Pod","metadata":{"name":"node-js-pod","labels":{"name":"node-js"},
           "annotations":{"note":"from the reference"}},"spec":%s}""".formatted(POD_SPEC)),
      kind("ReplicationController", "v1", "replicationcontrollers", true,
          ReplicationController.class, """
          {"apiVersion":"v1","kind":"ReplicationController","metadata":{"name":"node-js","labels":{"name":"node-js"}},
           "spec":{"replicas":1,"selector":{"name":"node-js"},
             "template":{"metadata":{"labels":{"name":"node-js"}},"spec":%s}}}""".formatted(POD_SPEC)),
      kind("Service", "v1", "services", true, Service.class, """
          {"apiVersion":"v1","kind":"Service","metadata":{"name":"node-js","labels":{"name":"node-js"}},
           "spec":{"type":"ClusterIP","ports":[{"name":"http","port":80,"targetPort":80,"protocol":"TCP"},
             {"name":"fake-admin-http","port":8888}],"selector":{"name":"node-js"},"sessionAffinity":"ClientIP"}}"""),
      kind("ConfigMap", "v1", "configmaps", true, ConfigMap.class, """
          {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings","labels":{"track":"stable"}},
           "data":{"mode":"stable","config.yaml":"a: 1\\nb: [x, y]\\n"},"binaryData":{"blob":"AAEC"}}"""),
      kind("Secret", "v1", "secrets", true, Secret.class, """
          {"apiVersion":"v1","kind":"Secret","metadata":{"name":"credentials"},"type":"Opaque",
           "data":{"password":"czNjcjN0"},"stringData":{"user":"admin"}}"""),
      kind("ResourceQuota", "v1", "resourcequotas", true, ResourceQuota.class, """
          {"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"test-quotas"},
           "spec":{"hard":{"pods":"3","services":"1","replicationcontrollers":"1"}}}"""),
      kind("LimitRange", "v1", "limitranges", true, LimitRange.class, """
          {"apiVersion":"v1","kind":"LimitRange","metadata":{"name":"limits"},
           "spec":{"limits":[{"type":"Container","default":{"cpu":"500m","memory":"128Mi"},
             "defaultRequest":{"cpu":"100m"},"max":{"memory":"1Gi"}}]}}"""),
      kind("Endpoints", "v1", "endpoints", true, Endpoints.class, """
          {"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"external"},
           "subsets":[{"addresses":[{"ip":"10.9.8.7"}],"ports":[{"name":"http","port":80,"protocol":"TCP"}]}]}"""),
      kind("ServiceAccount", "v1", "serviceaccounts", true, ServiceAccount.class, """
          {"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"builder"},
           "automountServiceAccountToken":false}"""),
      kind("Deployment", "apps/v1", "deployments", true, Deployment.class, """
          {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},
           "spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"},
             "matchExpressions":[{"key":"tier","operator":"In","values":["front"]}]},
             "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%%","maxUnavailable":0}},
             "template":{"metadata":{"labels":{"app":"web","tier":"front"}},"spec":%s}}}"""
          .formatted(POD_SPEC)),
      kind("ReplicaSet", "apps/v1", "replicasets", true, ReplicaSet.class, """
          {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"frontend"},
           "spec":{"replicas":1,"selector":{"matchLabels":{"app":"frontend"}},
             "template":{"metadata":{"labels":{"app":"frontend"}},"spec":%s}}}""".formatted(POD_SPEC)),
      kind("DaemonSet", "apps/v1", "daemonsets", true, DaemonSet.class, """
          {"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent"},
           "spec":{"selector":{"matchLabels":{"app":"agent"}},
             "template":{"metadata":{"labels":{"app":"agent"}},"spec":%s}}}""".formatted(POD_SPEC)),
      kind("Job", "batch/v1", "jobs", true, Job.class, """
          {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"pi"},
           "spec":{"backoffLimit":2,"completions":1,"parallelism":1,"activeDeadlineSeconds":600,
             "template":{"spec":{"restartPolicy":"Never","nodeSelector":{"fuzz":"never"},
               "containers":[{"name":"pi","image":"capstan/busybox:1","command":["sh","-c","echo 3.14"]}]}}}}"""),
      kind("CronJob", "batch/v1", "cronjobs", true, CronJob.class, """
          {"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"tick"},
           "spec":{"schedule":"*/5 * * * *","suspend":true,"concurrencyPolicy":"Forbid",
             "jobTemplate":{"spec":{"template":{"spec":{"restartPolicy":"OnFailure","nodeSelector":{"fuzz":"never"},
               "containers":[{"name":"tick","image":"capstan/busybox:1","args":["date"]}]}}}}}}"""),
      kind("Role", "rbac.authorization.k8s.io/v1", "roles", true, Role.class, """
          {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"pod-reader"},
           "rules":[{"apiGroups":[""],"resources":["pods","pods/log"],"verbs":["get","list","watch"]}]}"""),
      kind("RoleBinding", "rbac.authorization.k8s.io/v1", "rolebindings", true, RoleBinding.class, """
          {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"read-pods"},
           "subjects":[{"kind":"ServiceAccount","name":"builder"}],
           "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"pod-reader"}}"""),
      kind("PodDisruptionBudget", "policy/v1", "poddisruptionbudgets", true,
          PodDisruptionBudget.class, """
          {"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"web-pdb"},
           "spec":{"minAvailable":1,"selector":{"matchLabels":{"app":"web"}}}}"""),
      kind("Lease", "coordination.k8s.io/v1", "leases", true, Lease.class, """
          {"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"lock"},
           "spec":{"holderIdentity":"fuzzer","leaseDurationSeconds":15}}"""),
      kind("Namespace", "v1", "namespaces", false, Namespace.class, """
          {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"test","labels":{"team":"fuzz"}}}"""),
      kind("ClusterRole", "rbac.authorization.k8s.io/v1", "clusterroles", false,
          ClusterRole.class, """
          {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"node-reader"},
           "rules":[{"apiGroups":[""],"resources":["nodes"],"verbs":["get","list"]},
             {"nonResourceURLs":["/healthz"],"verbs":["get"]}]}"""));

  private Corpus() {}

  private static Kind kind(String kind, String apiVersion, String plural, boolean namespaced,
      Class<?> model, String manifest) {
    return new Kind(kind, apiVersion, plural, namespaced, model, parse(manifest));
  }

  static JsonObject parse(String json) {
    try (var reader = Json.createReader(new StringReader(json))) {
      return reader.readObject();
    }
  }

  public static Kind byKind(String kind) {
    return KINDS.stream().filter(k -> k.kind().equals(kind)).findFirst().orElseThrow();
  }
}
