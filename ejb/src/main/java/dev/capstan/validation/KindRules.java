package dev.capstan.validation;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;
import static dev.capstan.json.JsonFields.strings;

import dev.capstan.admission.podsecurity.NamespacePolicy;
import dev.capstan.admission.podsecurity.PodSecurityDefaults;
import dev.capstan.cron.CronSchedule;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Kind-specific validation, with Kubernetes' field paths and wording: pod specs (also inside every
 * template), services, and the replicated kinds' selectors. These are the mistakes the classic
 * walkthroughs' typos make ({@code type: nodeport}, a selector that does not match the template's
 * labels), which must get a clear 422 rather than be stored.
 */
final class KindRules {

  private static final List<String> SERVICE_TYPES =
      List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");
  private static final List<String> AFFINITIES = List.of("ClientIP", "None");
  private static final List<String> RESTART_POLICIES = List.of("Always", "Never", "OnFailure");
  private static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");
  private static final List<String> CONCURRENCY_POLICIES = List.of("Allow", "Forbid", "Replace");

  private KindRules() {}

  static List<FieldError> validate(String group, String kind, JsonObject object) {
    List<FieldError> errors = new ArrayList<>();
    JsonObject spec = object(object, "spec");
    String key = group.isEmpty() ? kind : kind + "." + group;
    switch (key) {
      case "Pod" -> podSpec(spec, "spec", errors);
      case "Service" -> service(spec, errors);
      case "ReplicationController" -> replicated(spec, null, errors);
      // "deployment" for ReplicaSets too: Kubernetes' ReplicaSet validation says so
      case "ReplicaSet.apps", "Deployment.apps" -> replicated(spec, "deployment", errors);
      case "DaemonSet.apps" -> replicated(spec, "daemonset", errors);
      case "StatefulSet.apps" -> {
        // the template's containers may mount the claim templates, as Kubernetes validates it
        replicated(StorageRules.withClaimVolumes(spec), "statefulset", errors);
        StorageRules.statefulSet(spec, errors);
      }
      case "CronJob.batch" -> cronJob(spec, errors);
      case "Job.batch" -> {
        if (spec.get("template") instanceof JsonObject template) {
          podSpec(object(template, "spec"), "spec.template.spec", errors);
        }
      }
      case "PodDisruptionBudget.policy" -> disruptionBudget(spec, errors);
      case "ControllerRevision.apps" -> controllerRevision(object, errors);
      case "PersistentVolume" -> StorageRules.persistentVolume(object, errors);
      case "PersistentVolumeClaim" -> StorageRules.persistentVolumeClaim(object, errors);
      case "StorageClass.storage.k8s.io" -> StorageRules.storageClass(object, errors);
      case "HorizontalPodAutoscaler.autoscaling" ->
          dev.capstan.autoscaling.AutoscalerValidation.spec(spec, errors);
      case "Role.rbac.authorization.k8s.io" -> RbacRules.role(object, true, errors);
      case "ClusterRole.rbac.authorization.k8s.io" -> RbacRules.role(object, false, errors);
      case "RoleBinding.rbac.authorization.k8s.io" -> RbacRules.binding(object, true, errors);
      case "ClusterRoleBinding.rbac.authorization.k8s.io" ->
          RbacRules.binding(object, false, errors);
      case "Namespace" -> podSecurityLabels(object, errors);
      case "ConfigMap" -> ConfigData.configMap(object, errors);
      case "Secret" -> ConfigData.secret(object, errors);
      case "Endpoints" -> EndpointAddresses.endpoints(object, errors);
      case "EndpointSlice.discovery.k8s.io" -> EndpointAddresses.endpointSlice(object, errors);
      default -> { }
    }
    return errors;
  }

  /** Pod Security labels must name a level ({@code restricted}) or version ({@code v1.30}). */
  private static void podSecurityLabels(JsonObject namespace, List<FieldError> errors) {
    Map<String, String> labels = strings(object(object(namespace, "metadata"), "labels"));
    NamespacePolicy.resolve(labels, PodSecurityDefaults.policy()).problems().forEach(problem ->
        errors.add(FieldError.invalid("metadata.labels[" + problem.label() + "]",
            problem.value(), problem.detail())));
  }

  /** apps/v1 ControllerRevision: its data is mandatory and its revision not negative. */
  private static void controllerRevision(JsonObject revision, List<FieldError> errors) {
    JsonValue data = revision.get("data");
    if (data == null || data == JsonValue.NULL) {
      errors.add(FieldError.required("data", "data is mandatory"));
    }
    if (revision.get("revision") instanceof JsonNumber number && number.longValue() < 0) {
      errors.add(FieldError.invalid("revision", number.longValue(),
          "must be greater than or equal to 0"));
    }
  }

  /** policy/v1: at most one of minAvailable and maxUnavailable, each a count or a percentage. */
  private static void disruptionBudget(JsonObject spec, List<FieldError> errors) {
    if (spec.get("selector") instanceof JsonObject selector) {
      SelectorRules.validate(selector, "spec.selector", errors);
    }
    if (spec.containsKey("minAvailable") && spec.containsKey("maxUnavailable")) {
      errors.add(FieldError.invalid("spec", spec.toString(),
          "minAvailable and maxUnavailable cannot be both set"));
    }
    for (String field : List.of("minAvailable", "maxUnavailable")) {
      JsonValue value = spec.get(field);
      if (value instanceof JsonNumber number && number.intValue() < 0) {
        errors.add(FieldError.invalid("spec." + field, number.longValue(),
            "must be greater than or equal to 0"));
      } else if (value instanceof JsonString text && !text.getString().matches("\\d{1,9}%")) {
        errors.add(FieldError.invalid("spec." + field, text.getString(),
            "a valid percent string must be a numeric string followed by an ending '%'"));
      } else if (value instanceof JsonString text && text.getString().endsWith("%")
          && Integer.parseInt(text.getString().replace("%", "")) > 100) {
        errors.add(FieldError.invalid("spec." + field, text.getString(),
            "must not be greater than 100%"));
      }
    }
  }

  /**
   * ReplicationController ({@code labelSelector} false: a plain map) or a workload of apps/v1,
   * whose label selector must be valid, not empty ({@code emptyWord} names the kind in
   * Kubernetes' message) and select the template's labels.
   */
  private static void replicated(JsonObject spec, String emptyWord, List<FieldError> errors) {
    if (spec.get("replicas") instanceof JsonNumber replicas && replicas.intValue() < 0) {
      errors.add(FieldError.invalid("spec.replicas", replicas.toString(),
          "must be greater than or equal to 0"));
    }
    JsonObject template = object(spec, "template");
    Map<String, String> templateLabels = strings(object(object(template, "metadata"), "labels"));
    if (emptyWord != null) {
      labelSelector(spec, emptyWord, templateLabels, errors);
    } else if (!templateLabels.entrySet().containsAll(
        strings(object(spec, "selector")).entrySet())) {
      errors.add(FieldError.invalid("spec.template.metadata.labels",
          goMap(templateLabels), "`selector` does not match template `labels`"));
    }
    if (!spec.containsKey("template")) {
      errors.add(new FieldError("spec.template", "FieldValueRequired", "Required value"));
    } else {
      podSpec(object(template, "spec"), "spec.template.spec", errors);
    }
  }

  private static void labelSelector(JsonObject spec, String emptyWord,
      Map<String, String> templateLabels, List<FieldError> errors) {
    if (!(spec.get("selector") instanceof JsonObject selector)) {
      errors.add(new FieldError("spec.selector", "FieldValueRequired", "Required value"));
      return;
    }
    SelectorRules.validate(selector, "spec.selector", errors);
    if (SelectorRules.isEmpty(selector)) {
      errors.add(FieldError.invalid("spec.selector", selector.toString(),
          "empty selector is invalid for " + emptyWord));
      return;
    }
    SelectorRules.parsed(selector).ifPresentOrElse(parsed -> {
      if (!parsed.matches(templateLabels)) {
        errors.add(FieldError.invalid("spec.template.metadata.labels", goMap(templateLabels),
            "`selector` does not match template `labels`"));
      }
    }, () -> errors.add(FieldError.invalid("spec.selector", selector.toString(),
        "invalid label selector")));
  }

  private static void podSpec(JsonObject spec, String path, List<FieldError> errors) {
    enumValue(spec, "restartPolicy", path, RESTART_POLICIES, errors);
    if (!(spec.get("containers") instanceof JsonArray containers) || containers.isEmpty()) {
      errors.add(new FieldError(path + ".containers", "FieldValueRequired", "Required value"));
      return;
    }
    Set<String> volumes = new HashSet<>();
    List<JsonObject> declared = objects(spec, "volumes");
    for (int v = 0; v < declared.size(); v++) {
      String volume = declared.get(v).getString("name", "");
      String at = path + ".volumes[" + v + "].name";
      if (volume.isEmpty()) {
        errors.add(new FieldError(at, "FieldValueRequired", "Required value"));
      } else if (!volumes.add(volume)) {
        errors.add(new FieldError(at, "FieldValueDuplicate", "Duplicate value: \"" + volume + "\""));
      }
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < containers.size(); i++) {
      String at = path + ".containers[" + i + "]";
      JsonObject container = containers.get(i) instanceof JsonObject c ? c : JsonValue.EMPTY_JSON_OBJECT;
      String name = container.getString("name", "");
      if (name.isEmpty()) {
        errors.add(new FieldError(at + ".name", "FieldValueRequired", "Required value"));
      } else if (!names.add(name)) {
        errors.add(new FieldError(at + ".name", "FieldValueDuplicate", "Duplicate value: \"" + name + "\""));
      } else {
        Names.dns1123LabelProblem(name).ifPresent(p -> errors.add(FieldError.invalid(at + ".name", name, p)));
      }
      if (container.getString("image", "").isBlank()) {
        errors.add(new FieldError(at + ".image", "FieldValueRequired", "Required value"));
      }
      List<JsonObject> mounts = objects(container, "volumeMounts");
      for (int m = 0; m < mounts.size(); m++) {
        String mount = mounts.get(m).getString("name", "");
        String mountAt = at + ".volumeMounts[" + m + "]";
        if (mount.isEmpty()) {
          errors.add(new FieldError(mountAt + ".name", "FieldValueRequired", "Required value"));
        } else if (!volumes.contains(mount)) {
          errors.add(new FieldError(mountAt + ".name", "FieldValueNotFound",
              "Not found: \"" + mount + "\""));
        }
        if (mounts.get(m).getString("mountPath", "").isEmpty()) {
          errors.add(new FieldError(mountAt + ".mountPath", "FieldValueRequired",
              "Required value"));
        }
      }
      List<JsonObject> ports = objects(container, "ports");
      for (int j = 0; j < ports.size(); j++) {
        portNumber(ports.get(j), "containerPort", at + ".ports[" + j + "]", errors);
        enumValue(ports.get(j), "protocol", at + ".ports[" + j + "]", PROTOCOLS, errors);
      }
      JsonObject resources = object(container, "resources");
      for (String section : List.of("limits", "requests")) {
        object(resources, section).forEach((resource, value) -> {
          String text = value instanceof JsonString s ? s.getString() : value.toString();
          if (!Quantities.isValid(text)) {
            errors.add(FieldError.invalid(at + ".resources." + section + "[" + resource + "]",
                text, Quantities.problem()));
          }
        });
      }
    }
  }

  private static void cronJob(JsonObject spec, List<FieldError> errors) {
    if (!(spec.get("schedule") instanceof JsonString schedule) || schedule.getString().isBlank()) {
      errors.add(new FieldError("spec.schedule", "FieldValueRequired", "Required value"));
    } else {
      CronSchedule.problem(schedule.getString()).ifPresent(problem -> errors.add(
          FieldError.invalid("spec.schedule", schedule.getString(), problem)));
    }
    if (spec.get("timeZone") instanceof JsonString zone) {
      try {
        java.time.ZoneId.of(zone.getString());
      } catch (java.time.DateTimeException e) {
        errors.add(FieldError.invalid("spec.timeZone", zone.getString(),
            "unknown time zone " + zone.getString()));
      }
    }
    enumValue(spec, "concurrencyPolicy", "spec", CONCURRENCY_POLICIES, errors);
    for (String field : List.of("startingDeadlineSeconds", "successfulJobsHistoryLimit",
        "failedJobsHistoryLimit")) {
      if (spec.get(field) instanceof JsonNumber number && number.longValue() < 0) {
        errors.add(FieldError.invalid("spec." + field, number.longValue(),
            "must be greater than or equal to 0"));
      }
    }
    JsonObject jobTemplate = object(spec, "jobTemplate");
    if (!(object(jobTemplate, "spec").get("template") instanceof JsonObject template)) {
      errors.add(new FieldError("spec.jobTemplate.spec.template", "FieldValueRequired",
          "Required value"));
    } else {
      podSpec(object(template, "spec"), "spec.jobTemplate.spec.template.spec", errors);
    }
  }

  private static void service(JsonObject spec, List<FieldError> errors) {
    enumValue(spec, "type", "spec", SERVICE_TYPES, errors);
    enumValue(spec, "sessionAffinity", "spec", AFFINITIES, errors);
    List<JsonObject> ports = objects(spec, "ports");
    for (int i = 0; i < ports.size(); i++) {
      String at = "spec.ports[" + i + "]";
      JsonObject port = ports.get(i);
      if (ports.size() > 1 && port.getString("name", "").isEmpty()) {
        errors.add(new FieldError(at + ".name", "FieldValueRequired", "Required value"));
      }
      portNumber(port, "port", at, errors);
      enumValue(port, "protocol", at, PROTOCOLS, errors);
      // the range is the allocator's (dev.capstan.allocation), which is configurable
      String type = spec.getString("type", "ClusterIP");
      if (port.get("nodePort") instanceof JsonNumber nodePort
          && (type.equals("ClusterIP") || type.equals("ExternalName"))) {
        errors.add(new FieldError(at + ".nodePort", "FieldValueForbidden",
            "Forbidden: may not be used when `type` is '" + type + "'"));
      }
    }
  }

  private static void portNumber(JsonObject port, String field, String at, List<FieldError> errors) {
    JsonValue value = port.get(field);
    if (!(value instanceof JsonNumber number)) {
      errors.add(new FieldError(at + "." + field, "FieldValueRequired", "Required value"));
    } else if (number.intValue() < 1 || number.intValue() > 65535) {
      errors.add(FieldError.invalid(at + "." + field, number.longValue(),
          "must be between 1 and 65535, inclusive"));
    }
  }

  private static void enumValue(JsonObject object, String field, String path, List<String> allowed,
      List<FieldError> errors) {
    if (object.get(field) instanceof JsonString value && !allowed.contains(value.getString())) {
      errors.add(new FieldError(path + "." + field, "FieldValueNotSupported",
          "Unsupported value: \"" + value.getString() + "\": supported values: "
              + allowed.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(", "))));
    }
  }

  /** How Kubernetes prints a label map in messages: {@code map[string]string{"name":"x"}}. */
  private static String goMap(Map<String, String> map) {
    return map.entrySet().stream().map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
        .collect(Collectors.joining(", ", "map[string]string{", "}"));
  }
}
