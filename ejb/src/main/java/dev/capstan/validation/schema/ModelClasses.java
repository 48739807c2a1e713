package dev.capstan.validation.schema;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The fabric8 model class of each kind the API serves (Kubernetes' schema for that kind). */
public final class ModelClasses {

  private static final String CORE = "io.fabric8.kubernetes.api.model.";

  private static final Map<String, String> BY_KIND = Map.ofEntries(
      Map.entry("Namespace", CORE + "Namespace"),
      Map.entry("Node", CORE + "Node"),
      Map.entry("Pod", CORE + "Pod"),
      Map.entry("Service", CORE + "Service"),
      Map.entry("Endpoints", CORE + "Endpoints"),
      Map.entry("ReplicationController", CORE + "ReplicationController"),
      Map.entry("Event", CORE + "Event"),
      Map.entry("ConfigMap", CORE + "ConfigMap"),
      Map.entry("Secret", CORE + "Secret"),
      Map.entry("ResourceQuota", CORE + "ResourceQuota"),
      Map.entry("LimitRange", CORE + "LimitRange"),
      Map.entry("ServiceAccount", CORE + "ServiceAccount"),
      Map.entry("PersistentVolume", CORE + "PersistentVolume"),
      Map.entry("PersistentVolumeClaim", CORE + "PersistentVolumeClaim"),
      Map.entry("StorageClass.storage.k8s.io", CORE + "storage.StorageClass"),
      Map.entry("Deployment.apps", CORE + "apps.Deployment"),
      Map.entry("ReplicaSet.apps", CORE + "apps.ReplicaSet"),
      Map.entry("DaemonSet.apps", CORE + "apps.DaemonSet"),
      Map.entry("ControllerRevision.apps", CORE + "apps.ControllerRevision"),
      Map.entry("StatefulSet.apps", CORE + "apps.StatefulSet"),
      Map.entry("Job.batch", CORE + "batch.v1.Job"),
      Map.entry("CronJob.batch", CORE + "batch.v1.CronJob"),
      Map.entry("Lease.coordination.k8s.io", CORE + "coordination.v1.Lease"),
      Map.entry("PodDisruptionBudget.policy", CORE + "policy.v1.PodDisruptionBudget"),
      Map.entry("Event.events.k8s.io", CORE + "events.v1.Event"),
      Map.entry("EndpointSlice.discovery.k8s.io", CORE + "discovery.v1.EndpointSlice"),
      Map.entry("HorizontalPodAutoscaler.autoscaling",
          CORE + "autoscaling.v2.HorizontalPodAutoscaler"),
      Map.entry("Role.rbac.authorization.k8s.io", CORE + "rbac.Role"),
      Map.entry("ClusterRole.rbac.authorization.k8s.io", CORE + "rbac.ClusterRole"),
      Map.entry("RoleBinding.rbac.authorization.k8s.io", CORE + "rbac.RoleBinding"),
      Map.entry("ClusterRoleBinding.rbac.authorization.k8s.io", CORE + "rbac.ClusterRoleBinding"));

  /** Kinds served in an older version too, by {@code group/version/Kind}: that version's schema. */
  private static final Map<String, String> BY_VERSION = Map.of(
      "autoscaling/v1/HorizontalPodAutoscaler", CORE + "autoscaling.v1.HorizontalPodAutoscaler");

  private ModelClasses() {}

  /** The older versions mapped, as {@code group/version/Kind}. */
  static Set<String> versionedKinds() {
    return BY_VERSION.keySet();
  }

  /** The model class of a kind in the version a request names. */
  public static Optional<Class<?>> of(String group, String version, String kind) {
    String name = BY_VERSION.get(group + "/" + version + "/" + kind);
    return name == null ? of(group, kind) : Optional.of(load(name));
  }

  /** Every mapped kind as {@code Kind} (core) or {@code Kind.group}: for the test that each class is in the build. */
  static Set<String> kinds() {
    return BY_KIND.keySet();
  }

  public static Optional<Class<?>> of(String group, String kind) {
    String name = BY_KIND.get(group.isEmpty() ? kind : kind + "." + group);
    if (name == null) {
      return Optional.empty();
    }
    return Optional.of(load(name));
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name, false, ModelClasses.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("the model class " + name + " is missing from the build", e);
    }
  }
}
