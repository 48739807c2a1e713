package dev.capstan.admission;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.admission.limits.LimitRanger;
import dev.capstan.jsonp.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.util.List;

/**
 * The defaults Kubernetes fills in on create and update, so clients read back what they would
 * from a Kubernetes API server: a namespace's phase and name label; a pod's (or pod template's)
 * restartPolicy, grace period, DNS policy, scheduler and per-container imagePullPolicy; a
 * service's type, affinity and port protocol/targetPort; replicas of the replicated kinds; the
 * update strategies and history limits of Deployments and DaemonSets; a Job's completions,
 * parallelism and back-off limit; a LimitRange's Container defaults.
 * Values the client set are never changed.
 */
public final class Defaulting {

  private Defaulting() {}

  public static JsonObject apply(String group, String kind, JsonObject object) {
    String key = group.isEmpty() ? kind : kind + "." + group;
    return switch (key) {
      case "Namespace" -> namespace(object);
      case "Pod" -> with(object, "spec", podOnly(podSpec(object(object, "spec"))));
      case "Service" -> with(object, "spec", serviceSpec(object(object, "spec")));
      case "ReplicationController" -> with(object, "spec",
          selectorFromTemplate(replicated(object(object, "spec"), true)));
      case "ReplicaSet.apps" -> with(object, "spec", replicated(object(object, "spec"), true));
      case "Deployment.apps" ->
          with(object, "spec", deploymentSpec(replicated(object(object, "spec"), true)));
      case "StatefulSet.apps" ->
          with(object, "spec", statefulSetSpec(replicated(object(object, "spec"), true)));
      case "DaemonSet.apps" ->
          with(object, "spec", daemonSetSpec(replicated(object(object, "spec"), false)));
      case "Job.batch" -> with(object, "spec", jobSpec(replicated(object(object, "spec"), false)));
      case "CronJob.batch" -> with(object, "spec", cronJobSpec(object(object, "spec")));
      case "HorizontalPodAutoscaler.autoscaling" -> with(object, "spec",
          dev.capstan.autoscaling.AutoscalerDefaults.spec(object(object, "spec")));
      case "LimitRange" -> LimitRanger.defaulted(object);
      case "PersistentVolume" -> with(object, "spec", persistentVolumeSpec(object(object, "spec")));
      case "PersistentVolumeClaim" -> with(object, "spec", filesystem(object(object, "spec")));
      case "StorageClass.storage.k8s.io" -> storageClass(object);
      case "Secret" -> secret(object);
      case "RoleBinding.rbac.authorization.k8s.io",
          "ClusterRoleBinding.rbac.authorization.k8s.io" -> rbacBinding(object);
      default -> object;
    };
  }

  /**
   * rbac/v1 defaults: a roleRef's and a User's or Group's apiGroup is
   * {@code rbac.authorization.k8s.io} when left empty, a missing roleRef included (Go's zero
   * struct is defaulted too, so validation then names only its kind and name).
   */
  private static JsonObject rbacBinding(JsonObject binding) {
    String group = "rbac.authorization.k8s.io";
    jakarta.json.JsonObjectBuilder result = Json.createObjectBuilder(binding);
    JsonObject roleRef = object(binding, "roleRef");
    if (roleRef.getString("apiGroup", "").isEmpty()) {
      result.add("roleRef", Json.createObjectBuilder(roleRef).add("apiGroup", group));
    }
    if (binding.get("subjects") instanceof jakarta.json.JsonArray subjects) {
      jakarta.json.JsonArrayBuilder defaulted = Json.createArrayBuilder();
      for (jakarta.json.JsonValue value : subjects) {
        if (value instanceof JsonObject subject && subject.getString("apiGroup", "").isEmpty()
            && List.of("User", "Group").contains(subject.getString("kind", ""))) {
          defaulted.add(Json.createObjectBuilder(subject).add("apiGroup", group));
        } else {
          defaulted.add(value);
        }
      }
      result.add("subjects", defaulted);
    }
    return result.build();
  }

  /**
   * A secret as the API server stores it: {@code type} Opaque by default, and the write-only
   * {@code stringData} merged into {@code data} (base64, overriding keys also in data), as
   * Kubernetes' v1 conversion does, so every reader finds the values in {@code data}.
   */
  private static JsonObject secret(JsonObject secret) {
    JsonObjectBuilder result = Json.createObjectBuilder(secret);
    defaultTo(secret, result, "type", Json.createValue("Opaque"));
    if (secret.get("stringData") instanceof JsonObject strings) {
      JsonObjectBuilder data = Json.createObjectBuilder(object(secret, "data"));
      strings.forEach((key, value) -> {
        if (value instanceof jakarta.json.JsonString text) {
          data.add(key, java.util.Base64.getEncoder().encodeToString(
              text.getString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
      });
      result.add("data", data).remove("stringData");
    }
    return result.build();
  }

  private static JsonObject namespace(JsonObject namespace) {
    JsonObject metadata = object(namespace, "metadata");
    JsonObject labels = object(metadata, "labels");
    String name = metadata.getString("name", "");
    JsonObjectBuilder result = Json.createObjectBuilder(namespace)
        .add("metadata", Json.createObjectBuilder(metadata).add("labels",
            Json.createObjectBuilder(labels).add("kubernetes.io/metadata.name", name)));
    JsonObject spec = object(namespace, "spec");
    if (!spec.containsKey("finalizers")) {
      result.add("spec", Json.createObjectBuilder(spec)
          .add("finalizers", Json.createArrayBuilder().add("kubernetes")));
    }
    JsonObject status = object(namespace, "status");
    if (!status.containsKey("phase")) {
      result.add("status", Json.createObjectBuilder(status).add("phase", "Active"));
    }
    return result.build();
  }

  private static JsonObject replicated(JsonObject spec, boolean hasReplicas) {
    JsonObjectBuilder result = Json.createObjectBuilder(spec);
    if (hasReplicas) {
      defaultTo(spec, result, "replicas", Json.createValue(1));
    }
    if (spec.get("template") instanceof JsonObject template) {
      result.add("template", with(template, "spec", podSpec(object(template, "spec"))));
    }
    return result.build();
  }

  /** apps/v1 Deployment: rolling update of 25% surge and 25% unavailable, 10 old ReplicaSets, 600 s. */
  private static JsonObject deploymentSpec(JsonObject spec) {
    JsonObjectBuilder result = Json.createObjectBuilder(spec);
    result.add("strategy", updateStrategy(object(spec, "strategy"), Json.createValue("25%"),
        Json.createValue("25%")));
    defaultTo(spec, result, "revisionHistoryLimit", Json.createValue(10));
    defaultTo(spec, result, "progressDeadlineSeconds", Json.createValue(600));
    return result.build();
  }

  /**
   * apps/v1 StatefulSet: pods one at a time in order (OrderedReady), rolling updates from the
   * highest ordinal with partition 0, 10 old revisions, claims retained on scale-down and
   * delete; each volumeClaimTemplate is defaulted as a claim is (and, as Go writes it, carries
   * its kind, apiVersion and a Pending status).
   */
  private static JsonObject statefulSetSpec(JsonObject spec) {
    JsonObjectBuilder result = Json.createObjectBuilder(spec);
    defaultTo(spec, result, "podManagementPolicy", Json.createValue("OrderedReady"));
    JsonObject strategy = object(spec, "updateStrategy");
    JsonObjectBuilder updateStrategy = Json.createObjectBuilder(strategy);
    String type = strategy.getString("type", "");
    if (type.isEmpty()) {
      type = "RollingUpdate";
      updateStrategy.add("type", type);
    }
    if (type.equals("RollingUpdate")) {
      JsonObject rolling = object(strategy, "rollingUpdate");
      JsonObjectBuilder rollingUpdate = Json.createObjectBuilder(rolling);
      defaultTo(rolling, rollingUpdate, "partition", Json.createValue(0));
      updateStrategy.add("rollingUpdate", rollingUpdate);
    }
    result.add("updateStrategy", updateStrategy);
    defaultTo(spec, result, "revisionHistoryLimit", Json.createValue(10));
    JsonObject retention = object(spec, "persistentVolumeClaimRetentionPolicy");
    JsonObjectBuilder policy = Json.createObjectBuilder(retention);
    defaultTo(retention, policy, "whenDeleted", Json.createValue("Retain"));
    defaultTo(retention, policy, "whenScaled", Json.createValue("Retain"));
    result.add("persistentVolumeClaimRetentionPolicy", policy);
    if (spec.get("volumeClaimTemplates") instanceof JsonArray templates) {
      JsonArrayBuilder claims = Json.createArrayBuilder();
      for (JsonValue value : templates) {
        if (value instanceof JsonObject claim) {
          JsonObjectBuilder defaulted = Json.createObjectBuilder(claim);
          defaultTo(claim, defaulted, "apiVersion", Json.createValue("v1"));
          defaultTo(claim, defaulted, "kind", Json.createValue("PersistentVolumeClaim"));
          defaulted.add("spec", filesystem(object(claim, "spec")));
          defaultTo(claim, defaulted, "status", Json.createObjectBuilder()
              .add("phase", "Pending").build());
          claims.add(defaulted);
        } else {
          claims.add(value);
        }
      }
      result.add("volumeClaimTemplates", claims);
    }
    return result.build();
  }

  /** apps/v1 DaemonSet: rolling update one node at a time, no surge; 10 old revisions. */
  private static JsonObject daemonSetSpec(JsonObject spec) {
    JsonObjectBuilder result = Json.createObjectBuilder(spec);
    result.add("updateStrategy", updateStrategy(object(spec, "updateStrategy"),
        Json.createValue(1), Json.createValue(0)));
    defaultTo(spec, result, "revisionHistoryLimit", Json.createValue(10));
    return result.build();
  }

  private static JsonObject updateStrategy(JsonObject strategy, JsonValue maxUnavailable,
      JsonValue maxSurge) {
    JsonObjectBuilder result = Json.createObjectBuilder(strategy);
    String type = strategy.getString("type", "");
    if (type.isEmpty()) {
      type = "RollingUpdate";
      result.add("type", type);
    }
    if (type.equals("RollingUpdate")) {
      JsonObject rollingUpdate = object(strategy, "rollingUpdate");
      JsonObjectBuilder rolling = Json.createObjectBuilder(rollingUpdate);
      defaultTo(rollingUpdate, rolling, "maxUnavailable", maxUnavailable);
      defaultTo(rollingUpdate, rolling, "maxSurge", maxSurge);
      result.add("rollingUpdate", rolling);
    }
    return result.build();
  }

  /** batch/v1 Job: one completion, one at a time, six retries, non-indexed, not suspended. */
  private static JsonObject jobSpec(JsonObject spec) {
    JsonObjectBuilder result = Json.createObjectBuilder(spec);
    if (absent(spec, "completions") && absent(spec, "parallelism")) {
      result.add("completions", 1);
    }
    defaultTo(spec, result, "parallelism", Json.createValue(1));
    if (!spec.containsKey("backoffLimitPerIndex")) {
      defaultTo(spec, result, "backoffLimit", Json.createValue(6));
    }
    defaultTo(spec, result, "completionMode", Json.createValue("NonIndexed"));
    defaultTo(spec, result, "suspend", JsonValue.FALSE);
    if (!spec.containsKey("podFailurePolicy")) {
      defaultTo(spec, result, "podReplacementPolicy", Json.createValue("TerminatingOrFailed"));
    }
    return result.build();
  }

  /**
   * batch/v1 CronJob: concurrency Allow, not suspended, 3 successful and 1 failed Job kept; the
   * pod template inside the Job template defaulted as any pod template.
   */
  private static JsonObject cronJobSpec(JsonObject spec) {
    JsonObjectBuilder result = Json.createObjectBuilder(spec);
    defaultTo(spec, result, "concurrencyPolicy", Json.createValue("Allow"));
    defaultTo(spec, result, "suspend", JsonValue.FALSE);
    defaultTo(spec, result, "successfulJobsHistoryLimit", Json.createValue(3));
    defaultTo(spec, result, "failedJobsHistoryLimit", Json.createValue(1));
    if (spec.get("jobTemplate") instanceof JsonObject jobTemplate) {
      result.add("jobTemplate", with(jobTemplate, "spec",
          replicated(object(jobTemplate, "spec"), false)));
    }
    return result.build();
  }

  /** A ReplicationController without a selector selects its template's labels (Kubernetes does so). */
  private static JsonObject selectorFromTemplate(JsonObject spec) {
    JsonObject selector = object(spec, "selector");
    JsonObject templateLabels = object(object(object(spec, "template"), "metadata"), "labels");
    if (!selector.isEmpty() || templateLabels.isEmpty()) {
      return spec;
    }
    return Json.createObjectBuilder(spec).add("selector", templateLabels).build();
  }

  /**
   * What a pod gets beyond its template's defaults: {@code enableServiceLinks} (SetDefaults_Pod)
   * and, from the Priority admission plugin, priority 0 with {@code PreemptLowerPriority} when it
   * names no priority class ({@code kubectl describe pod} prints {@code Priority:} from it).
   */
  private static JsonObject podOnly(JsonObject spec) {
    JsonObjectBuilder result = Json.createObjectBuilder(spec);
    defaultTo(spec, result, "enableServiceLinks", JsonValue.TRUE);
    if (!spec.containsKey("priorityClassName")) {
      defaultTo(spec, result, "priority", Json.createValue(0));
    }
    defaultTo(spec, result, "preemptionPolicy", Json.createValue("PreemptLowerPriority"));
    return result.build();
  }

  static JsonObject podSpec(JsonObject spec) {
    JsonObjectBuilder result = Json.createObjectBuilder(spec);
    defaultTo(spec, result, "restartPolicy", Json.createValue("Always"));
    defaultTo(spec, result, "terminationGracePeriodSeconds", Json.createValue(30));
    defaultTo(spec, result, "dnsPolicy", Json.createValue("ClusterFirst"));
    defaultTo(spec, result, "schedulerName", Json.createValue("default-scheduler"));
    defaultTo(spec, result, "securityContext", JsonValue.EMPTY_JSON_OBJECT);
    for (String list : new String[] {"containers", "initContainers", "ephemeralContainers"}) {
      if (spec.get(list) instanceof JsonArray containers) {
        JsonArrayBuilder defaulted = Json.createArrayBuilder();
        for (JsonValue container : containers) {
          defaulted.add(container instanceof JsonObject c ? container(c) : container);
        }
        result.add(list, defaulted);
      }
    }
    return result.build();
  }

  private static JsonObject container(JsonObject container) {
    JsonObjectBuilder result = Json.createObjectBuilder(container);
    defaultTo(container, result, "imagePullPolicy",
        Json.createValue(pullPolicyFor(container.getString("image", ""))));
    defaultTo(container, result, "terminationMessagePath", Json.createValue("/dev/termination-log"));
    defaultTo(container, result, "terminationMessagePolicy", Json.createValue("File"));
    result.add("resources", resources(object(container, "resources")));
    if (container.get("ports") instanceof JsonArray ports) {
      JsonArrayBuilder defaulted = Json.createArrayBuilder();
      for (JsonValue port : ports) {
        if (port instanceof JsonObject p && !p.containsKey("protocol")) {
          defaulted.add(Json.createObjectBuilder(p).add("protocol", "TCP"));
        } else {
          defaulted.add(port);
        }
      }
      result.add("ports", defaulted);
    }
    return result.build();
  }

  /** Requests default to the limits a container sets without requesting, as in Kubernetes. */
  private static JsonObject resources(JsonObject resources) {
    JsonObject limits = object(resources, "limits");
    if (limits.isEmpty()) {
      return resources;
    }
    JsonObject requests = object(resources, "requests");
    JsonObjectBuilder defaulted = Json.createObjectBuilder(requests);
    limits.forEach((name, amount) -> defaultTo(requests, defaulted, name, amount));
    return Json.createObjectBuilder(resources).add("requests", defaulted).build();
  }

  /** {@code Always} for {@code :latest} or no tag, {@code IfNotPresent} otherwise (digests too). */
  static String pullPolicyFor(String image) {
    if (image.contains("@")) {
      return "IfNotPresent";
    }
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    boolean tagged = colon > slash;
    return !tagged || image.endsWith(":latest") ? "Always" : "IfNotPresent";
  }

  private static JsonObject serviceSpec(JsonObject spec) {
    JsonObjectBuilder result = Json.createObjectBuilder(spec);
    defaultTo(spec, result, "type", Json.createValue("ClusterIP"));
    defaultTo(spec, result, "sessionAffinity", Json.createValue("None"));
    // SetDefaults_Service: traffic policies for the types that route, node ports for balancers
    String type = spec.getString("type", "ClusterIP");
    if (!type.equals("ExternalName")) {
      defaultTo(spec, result, "internalTrafficPolicy", Json.createValue("Cluster"));
    }
    if (type.equals("NodePort") || type.equals("LoadBalancer")) {
      defaultTo(spec, result, "externalTrafficPolicy", Json.createValue("Cluster"));
    }
    if (type.equals("LoadBalancer")) {
      defaultTo(spec, result, "allocateLoadBalancerNodePorts", JsonValue.TRUE);
    }
    if (spec.get("ports") instanceof JsonArray ports) {
      JsonArrayBuilder defaulted = Json.createArrayBuilder();
      for (JsonValue port : ports) {
        if (port instanceof JsonObject p) {
          JsonObjectBuilder withDefaults = Json.createObjectBuilder(p);
          defaultTo(p, withDefaults, "protocol", Json.createValue("TCP"));
          if (!p.containsKey("targetPort") && p.containsKey("port")) {
            withDefaults.add("targetPort", p.get("port"));
          }
          defaulted.add(withDefaults);
        } else {
          defaulted.add(port);
        }
      }
      result.add("ports", defaulted);
    }
    return result.build();
  }

  /**
   * Sets the field unless it has a value: JSON null counts as absent, as it decodes into Go's nil
   * pointer, which Kubernetes' defaulting then fills ({@code "replicas": null} left null made
   * {@code kubectl describe} of the ReplicaSet panic on it).
   */
  /** core/v1 PersistentVolume: reclaim policy Retain, a filesystem volume. */
  private static JsonObject persistentVolumeSpec(JsonObject spec) {
    JsonObjectBuilder result = Json.createObjectBuilder(filesystem(spec));
    defaultTo(spec, result, "persistentVolumeReclaimPolicy", Json.createValue("Retain"));
    return result.build();
  }

  private static JsonObject filesystem(JsonObject spec) {
    JsonObjectBuilder result = Json.createObjectBuilder(spec);
    defaultTo(spec, result, "volumeMode", Json.createValue("Filesystem"));
    return result.build();
  }

  /** storage.k8s.io/v1 StorageClass: reclaim policy Delete, binding Immediate. */
  private static JsonObject storageClass(JsonObject storageClass) {
    JsonObjectBuilder result = Json.createObjectBuilder(storageClass);
    defaultTo(storageClass, result, "reclaimPolicy", Json.createValue("Delete"));
    defaultTo(storageClass, result, "volumeBindingMode", Json.createValue("Immediate"));
    return result.build();
  }

  private static void defaultTo(JsonObject source, JsonObjectBuilder target, String field,
      JsonValue value) {
    if (absent(source, field)) {
      target.add(field, value);
    }
  }

  private static boolean absent(JsonObject source, String field) {
    return !source.containsKey(field) || source.get(field) == JsonValue.NULL;
  }

  private static JsonObject with(JsonObject object, String field, JsonObject value) {
    return Json.createObjectBuilder(object).add(field, value).build();
  }
}
