package dev.capstan.kinds;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The registry of kinds the API serves. A new kind is one entry here (plus its validation and
 * table columns), never a new resource class.
 */
public final class ResourceTypes {

  public static final ResourceType NAMESPACE =
      cluster("", "Namespace", "namespaces", List.of("ns"), List.of(), Set.of("status", "finalize"));
  public static final ResourceType NODE =
      cluster("", "Node", "nodes", List.of("no"), List.of(), Set.of("status", "token"));
  public static final ResourceType POD = namespaced("", "Pod", "pods", List.of("po"),
      List.of("all"), Set.of("status", "binding", "log", "eviction", "exec", "attach", "proxy",
          "portforward", "ephemeralcontainers"));
  public static final ResourceType SERVICE = namespaced("", "Service", "services",
      List.of("svc"), List.of("all"), Set.of("status", "proxy"));
  public static final ResourceType ENDPOINTS =
      namespaced("", "Endpoints", "endpoints", List.of("ep"), List.of(), Set.of());
  public static final ResourceType REPLICATION_CONTROLLER = namespaced("",
      "ReplicationController", "replicationcontrollers", List.of("rc"), List.of("all"),
      Set.of("status", "scale"));
  public static final ResourceType EVENT =
      namespaced("", "Event", "events", List.of("ev"), List.of(), Set.of());
  public static final ResourceType CONFIG_MAP =
      namespaced("", "ConfigMap", "configmaps", List.of("cm"), List.of(), Set.of());
  public static final ResourceType SECRET =
      namespaced("", "Secret", "secrets", List.of(), List.of(), Set.of());
  public static final ResourceType RESOURCE_QUOTA = namespaced("", "ResourceQuota",
      "resourcequotas", List.of("quota"), List.of(), Set.of("status"));
  public static final ResourceType LIMIT_RANGE =
      namespaced("", "LimitRange", "limitranges", List.of("limits"), List.of(), Set.of());
  public static final ResourceType SERVICE_ACCOUNT = namespaced("", "ServiceAccount",
      "serviceaccounts", List.of("sa"), List.of(), Set.of("token"));
  public static final ResourceType PERSISTENT_VOLUME = cluster("", "PersistentVolume",
      "persistentvolumes", List.of("pv"), List.of(), Set.of("status"));
  public static final ResourceType PERSISTENT_VOLUME_CLAIM = namespaced("",
      "PersistentVolumeClaim", "persistentvolumeclaims", List.of("pvc"), List.of(),
      Set.of("status"));
  public static final ResourceType STORAGE_CLASS = cluster("storage.k8s.io", "StorageClass",
      "storageclasses", List.of("sc"), List.of(), Set.of());
  public static final ResourceType COMPONENT_STATUS = new ResourceType("", "v1",
      "ComponentStatus", "componentstatuses", false, List.of("cs"), List.of(), Set.of(), true,
      false);
  public static final ResourceType DEPLOYMENT = namespaced("apps", "Deployment", "deployments",
      List.of("deploy"), List.of("all"), Set.of("status", "scale"));
  public static final ResourceType REPLICA_SET = namespaced("apps", "ReplicaSet", "replicasets",
      List.of("rs"), List.of("all"), Set.of("status", "scale"));
  public static final ResourceType DAEMON_SET = namespaced("apps", "DaemonSet", "daemonsets",
      List.of("ds"), List.of("all"), Set.of("status"));
  public static final ResourceType STATEFUL_SET = namespaced("apps", "StatefulSet",
      "statefulsets", List.of("sts"), List.of("all"), Set.of("status", "scale"));
  public static final ResourceType CONTROLLER_REVISION = namespaced("apps", "ControllerRevision",
      "controllerrevisions", List.of(), List.of(), Set.of());
  public static final ResourceType JOB =
      namespaced("batch", "Job", "jobs", List.of(), List.of("all"), Set.of("status"));
  public static final ResourceType CRON_JOB = namespaced("batch", "CronJob", "cronjobs",
      List.of("cj"), List.of("all"), Set.of("status"));
  public static final ResourceType LEASE =
      namespaced("coordination.k8s.io", "Lease", "leases", List.of(), List.of(), Set.of());
  public static final ResourceType POD_DISRUPTION_BUDGET = namespaced("policy",
      "PodDisruptionBudget", "poddisruptionbudgets", List.of("pdb"), List.of(), Set.of("status"));
  public static final ResourceType EVENTS_EVENT =
      namespaced("events.k8s.io", "Event", "events", List.of("ev"), List.of(), Set.of());
  public static final ResourceType ENDPOINT_SLICE = namespaced("discovery.k8s.io",
      "EndpointSlice", "endpointslices", List.of(), List.of(), Set.of());
  /** Stored as autoscaling/v2, as kube-apiserver stores it; v1 is served by conversion. */
  public static final ResourceType HORIZONTAL_POD_AUTOSCALER = new ResourceType("autoscaling",
      "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, List.of("hpa"),
      List.of("all"), Set.of("status"), false, false);
  /** autoscaling/v1, converted to and from {@link #HORIZONTAL_POD_AUTOSCALER} ({@link Conversions}). */
  public static final ResourceType HORIZONTAL_POD_AUTOSCALER_V1 = new ResourceType("autoscaling",
      "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, List.of("hpa"),
      List.of("all"), Set.of("status"), false, false);

  public static final String RBAC_GROUP = "rbac.authorization.k8s.io";
  public static final ResourceType ROLE =
      namespaced(RBAC_GROUP, "Role", "roles", List.of(), List.of(), Set.of());
  public static final ResourceType CLUSTER_ROLE =
      cluster(RBAC_GROUP, "ClusterRole", "clusterroles", List.of(), List.of(), Set.of());
  public static final ResourceType ROLE_BINDING =
      namespaced(RBAC_GROUP, "RoleBinding", "rolebindings", List.of(), List.of(), Set.of());
  public static final ResourceType CLUSTER_ROLE_BINDING = cluster(RBAC_GROUP,
      "ClusterRoleBinding", "clusterrolebindings", List.of(), List.of(), Set.of());
  public static final ResourceType SELF_SUBJECT_ACCESS_REVIEW =
      review("authorization.k8s.io", "v1", "SelfSubjectAccessReview", false);
  public static final ResourceType SUBJECT_ACCESS_REVIEW =
      review("authorization.k8s.io", "v1", "SubjectAccessReview", false);
  public static final ResourceType LOCAL_SUBJECT_ACCESS_REVIEW =
      review("authorization.k8s.io", "v1", "LocalSubjectAccessReview", true);
  public static final ResourceType SELF_SUBJECT_RULES_REVIEW =
      review("authorization.k8s.io", "v1", "SelfSubjectRulesReview", false);
  public static final ResourceType SELF_SUBJECT_REVIEW =
      review("authentication.k8s.io", "v1", "SelfSubjectReview", false);
  /** kubectl 1.27 asks for v1beta1 (v1 came with 1.28). */
  public static final ResourceType SELF_SUBJECT_REVIEW_V1BETA1 =
      review("authentication.k8s.io", "v1beta1", "SelfSubjectReview", false);

  private static final List<ResourceType> ALL = List.of(NAMESPACE, NODE, POD, SERVICE, ENDPOINTS,
      REPLICATION_CONTROLLER, EVENT, CONFIG_MAP, SECRET, RESOURCE_QUOTA, LIMIT_RANGE,
      SERVICE_ACCOUNT, PERSISTENT_VOLUME, PERSISTENT_VOLUME_CLAIM, STORAGE_CLASS,
      COMPONENT_STATUS, DEPLOYMENT, REPLICA_SET, DAEMON_SET, STATEFUL_SET, CONTROLLER_REVISION, JOB, CRON_JOB, LEASE,
      POD_DISRUPTION_BUDGET, EVENTS_EVENT, ENDPOINT_SLICE, HORIZONTAL_POD_AUTOSCALER, ROLE, CLUSTER_ROLE, ROLE_BINDING,
      CLUSTER_ROLE_BINDING, SELF_SUBJECT_ACCESS_REVIEW, SUBJECT_ACCESS_REVIEW,
      LOCAL_SUBJECT_ACCESS_REVIEW, SELF_SUBJECT_RULES_REVIEW, SELF_SUBJECT_REVIEW,
      SELF_SUBJECT_REVIEW_V1BETA1);

  /**
   * Kinds served in a version other than their stored one (kube-apiserver's older versions of a
   * group): found by URL and listed in discovery, but never iterated as stored kinds.
   */
  private static final List<ResourceType> CONVERTED = List.of(HORIZONTAL_POD_AUTOSCALER_V1);

  private static final List<ResourceType> SERVED = java.util.stream.Stream.concat(ALL.stream(),
      CONVERTED.stream()).toList();

  private static final Map<String, ResourceType> BY_GROUP_VERSION_PLURAL = SERVED.stream()
      .collect(Collectors.toUnmodifiableMap(
          type -> type.apiVersion() + "/" + type.plural(), Function.identity()));

  private ResourceTypes() {}

  /** The kind served at {@code /api/<version>/<plural>} or {@code /apis/<group>/<version>/<plural>}. */
  public static Optional<ResourceType> find(String group, String version, String plural) {
    String apiVersion = group.isEmpty() ? version : group + "/" + version;
    return Optional.ofNullable(BY_GROUP_VERSION_PLURAL.get(apiVersion + "/" + plural));
  }

  /** Every stored kind, each once in its stored version. */
  public static List<ResourceType> all() {
    return ALL;
  }

  /** Every kind in every version served: the stored kinds, then the converted versions. */
  public static List<ResourceType> served() {
    return SERVED;
  }

  /** The kinds of one group version, in registry order. */
  public static List<ResourceType> ofGroupVersion(String group, String version) {
    return SERVED.stream()
        .filter(type -> type.group().equals(group) && type.version().equals(version))
        .toList();
  }

  /** The named groups (not the core group) and their versions, in registry order. */
  public static Map<String, Set<String>> groups() {
    Map<String, Set<String>> groups = new LinkedHashMap<>();
    for (ResourceType type : SERVED) {
      if (!type.group().isEmpty()) {
        groups.computeIfAbsent(type.group(), g -> new LinkedHashSet<>()).add(type.version());
      }
    }
    return groups;
  }

  private static ResourceType namespaced(String group, String kind, String plural,
      List<String> shortNames, List<String> categories, Set<String> subresources) {
    return new ResourceType(group, "v1", kind, plural, true, shortNames, categories,
        subresources, false, false);
  }

  private static ResourceType review(String group, String version, String kind,
      boolean namespaced) {
    return new ResourceType(group, version, kind, kind.toLowerCase(java.util.Locale.ROOT) + "s",
        namespaced, List.of(), List.of(), Set.of(), false, true);
  }

  private static ResourceType cluster(String group, String kind, String plural,
      List<String> shortNames, List<String> categories, Set<String> subresources) {
    return new ResourceType(group, "v1", kind, plural, false, shortNames, categories,
        subresources, false, false);
  }
}
