package dev.capstan.validation;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.resources.Quantity;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Kubernetes' validation of the storage kinds, worded as it words it: PersistentVolume
 * ({@code ValidatePersistentVolume}: capacity of storage alone, access modes, one volume source,
 * a local volume's node affinity, the reclaim policy), PersistentVolumeClaim (access modes, a
 * positive storage request, a spec that does not change once made but for its requests and the
 * volume it binds to) and StorageClass (a provisioner, the reclaim policy and binding mode it
 * may have, and what an update may not change).
 */
final class StorageRules {

  static final List<String> ACCESS_MODES =
      List.of("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod");
  private static final List<String> VOLUME_RECLAIM_POLICIES = List.of("Delete", "Recycle", "Retain");
  private static final List<String> CLASS_RECLAIM_POLICIES = List.of("Delete", "Retain");
  private static final List<String> BINDING_MODES = List.of("Immediate", "WaitForFirstConsumer");
  /** The volume sources a PersistentVolume may name (Kubernetes' list; Capstan's nodes mount hostPath and local). */
  private static final Set<String> VOLUME_SOURCES = Set.of("hostPath", "local", "nfs", "iscsi",
      "csi", "fc", "cephfs", "rbd", "flexVolume", "azureFile", "azureDisk", "awsElasticBlockStore",
      "gcePersistentDisk", "glusterfs", "cinder", "portworxVolume", "scaleIO", "storageos",
      "vsphereVolume", "quobyte", "photonPersistentDisk", "flocker");

  private StorageRules() {}

  static void persistentVolume(JsonObject volume, List<FieldError> errors) {
    JsonObject spec = object(volume, "spec");
    accessModes(spec, "spec.accessModes", "", errors);
    JsonObject capacity = object(spec, "capacity");
    if (capacity.isEmpty()) {
      errors.add(FieldError.required("spec.capacity", ""));
    } else if (!capacity.containsKey("storage") || capacity.size() > 1) {
      errors.add(FieldError.notSupported("spec.capacity", String.join(",", capacity.keySet()),
          List.of("storage")));
    } else {
      quantity(capacity.get("storage"), "spec.capacity[storage]", false, errors);
    }
    if (spec.get("persistentVolumeReclaimPolicy") instanceof JsonString policy
        && !VOLUME_RECLAIM_POLICIES.contains(policy.getString())) {
      errors.add(FieldError.notSupported("spec.persistentVolumeReclaimPolicy", policy.getString(),
          VOLUME_RECLAIM_POLICIES));
    }
    className(spec, "spec", errors);
    List<String> sources = spec.keySet().stream().filter(VOLUME_SOURCES::contains).sorted().toList();
    if (sources.isEmpty()) {
      errors.add(FieldError.required("spec", "must specify a volume type"));
    }
    for (String extra : sources.subList(Math.min(1, sources.size()), sources.size())) {
      errors.add(new FieldError("spec." + extra, "FieldValueForbidden",
          "Forbidden: may not specify more than 1 volume type"));
    }
    if (spec.get("hostPath") instanceof JsonObject hostPath) {
      path(hostPath, "spec.hostPath.path", false, errors);
    }
    if (spec.get("local") instanceof JsonObject local) {
      path(local, "spec.local.path", true, errors);
      if (object(object(spec, "nodeAffinity"), "required").isEmpty()) {
        errors.add(FieldError.required("spec.nodeAffinity",
            "Local volume requires node affinity"));
      }
    }
  }

  static void persistentVolumeClaim(JsonObject claim, List<FieldError> errors) {
    claimSpec(object(claim, "spec"), "spec", errors);
  }

  /** A claim's spec at {@code path} (a claim's own, or a StatefulSet's claim template's). */
  private static void claimSpec(JsonObject spec, String path, List<FieldError> errors) {
    accessModes(spec, path + ".accessModes", "at least 1 access mode is required", errors);
    JsonObject requests = object(object(spec, "resources"), "requests");
    if (!requests.containsKey("storage")) {
      errors.add(FieldError.required(path + ".resources[storage]", ""));
    } else {
      quantity(requests.get("storage"), path + ".resources[storage]", true, errors);
    }
    className(spec, path, errors);
    if (spec.get("selector") instanceof JsonObject selector) {
      SelectorRules.validate(selector, path + ".selector", errors);
    }
  }

  /** A StatefulSet's spec whose template has a volume for each claim template (as its pods will). */
  static JsonObject withClaimVolumes(JsonObject spec) {
    if (!(spec.get("volumeClaimTemplates") instanceof JsonArray templates) || templates.isEmpty()
        || !(spec.get("template") instanceof JsonObject template)) {
      return spec;
    }
    JsonObject podSpec = object(template, "spec");
    var volumes = dev.capstan.jsonp.Json.createArrayBuilder(
        podSpec.get("volumes") instanceof JsonArray existing ? existing
            : JsonValue.EMPTY_JSON_ARRAY);
    for (JsonValue value : templates) {
      String name = value instanceof JsonObject claim
          ? object(claim, "metadata").getString("name", "") : "";
      if (!name.isEmpty()) {
        volumes.add(dev.capstan.jsonp.Json.createObjectBuilder().add("name", name)
            .add("persistentVolumeClaim", dev.capstan.jsonp.Json.createObjectBuilder()
                .add("claimName", name)));
      }
    }
    return dev.capstan.jsonp.Json.createObjectBuilder(spec).add("template",
        dev.capstan.jsonp.Json.createObjectBuilder(template).add("spec",
            dev.capstan.jsonp.Json.createObjectBuilder(podSpec).add("volumes", volumes)))
        .build();
  }

  /**
   * What a StatefulSet adds to a workload's checks: its pod management policy and update
   * strategy, a partition not below zero, pods that always restart, and claim templates that
   * are claims.
   */
  static void statefulSet(JsonObject spec, List<FieldError> errors) {
    if (spec.get("podManagementPolicy") instanceof JsonString policy
        && !List.of("OrderedReady", "Parallel").contains(policy.getString())) {
      errors.add(FieldError.notSupported("spec.podManagementPolicy", policy.getString(),
          List.of("OrderedReady", "Parallel")));
    }
    JsonObject strategy = object(spec, "updateStrategy");
    if (strategy.get("type") instanceof JsonString type
        && !List.of("OnDelete", "RollingUpdate").contains(type.getString())) {
      errors.add(FieldError.notSupported("spec.updateStrategy.type", type.getString(),
          List.of("OnDelete", "RollingUpdate")));
    }
    if (object(strategy, "rollingUpdate").get("partition")
        instanceof jakarta.json.JsonNumber partition && partition.longValue() < 0) {
      errors.add(FieldError.invalid("spec.updateStrategy.rollingUpdate.partition",
          partition.longValue(), "must be greater than or equal to 0"));
    }
    String restart = object(object(spec, "template"), "spec").getString("restartPolicy",
        "Always");
    if (!restart.equals("Always")) {
      errors.add(FieldError.notSupported("spec.template.spec.restartPolicy", restart,
          List.of("Always")));
    }
    if (spec.get("volumeClaimTemplates") instanceof JsonArray templates) {
      for (int i = 0; i < templates.size(); i++) {
        String path = "spec.volumeClaimTemplates[" + i + "]";
        JsonObject template = templates.get(i) instanceof JsonObject o ? o
            : JsonValue.EMPTY_JSON_OBJECT;
        String name = object(template, "metadata").getString("name", "");
        if (name.isEmpty()) {
          errors.add(FieldError.required(path + ".metadata.name", "name or generateName is"
              + " required"));
        } else {
          Names.dns1123SubdomainProblem(name).ifPresent(problem -> errors.add(
              FieldError.invalid(path + ".metadata.name", name, problem)));
        }
        claimSpec(object(template, "spec"), path + ".spec", errors);
      }
    }
  }

  /**
   * A claim's spec may not change once made, but for its storage request and, while it has
   * none, the volume it is bound to.
   */
  static void persistentVolumeClaimUpdate(JsonObject current, JsonObject desired,
      List<FieldError> errors) {
    JsonObject before = object(current, "spec");
    JsonObject after = object(desired, "spec");
    boolean binding = before.getString("volumeName", "").isEmpty();
    if (!Objects.equals(fixed(before, binding), fixed(after, binding))) {
      errors.add(new FieldError("spec", "FieldValueForbidden", "Forbidden: spec is immutable"
          + " after creation except resources.requests and volumeAttributesClassName for bound"
          + " claims"));
    }
  }

  static void storageClass(JsonObject storageClass, List<FieldError> errors) {
    JsonValue provisioner = storageClass.get("provisioner");
    if (!(provisioner instanceof JsonString name) || name.getString().isEmpty()) {
      errors.add(FieldError.required("provisioner", ""));
    } else {
      Names.labelKeyProblem(name.getString()).ifPresent(problem ->
          errors.add(FieldError.invalid("provisioner", name.getString(), problem)));
    }
    if (storageClass.get("reclaimPolicy") instanceof JsonString policy
        && !CLASS_RECLAIM_POLICIES.contains(policy.getString())) {
      errors.add(FieldError.notSupported("reclaimPolicy", policy.getString(),
          CLASS_RECLAIM_POLICIES));
    }
    if (storageClass.get("volumeBindingMode") instanceof JsonString mode
        && !BINDING_MODES.contains(mode.getString())) {
      errors.add(FieldError.notSupported("volumeBindingMode", mode.getString(), BINDING_MODES));
    }
  }

  static void storageClassUpdate(JsonObject current, JsonObject desired, List<FieldError> errors) {
    for (String field : List.of("parameters", "provisioner", "reclaimPolicy")) {
      if (!Objects.equals(current.get(field), desired.get(field))) {
        errors.add(new FieldError(field, "FieldValueForbidden",
            "Forbidden: updates to " + field + " are forbidden."));
      }
    }
    if (!Objects.equals(current.get("volumeBindingMode"), desired.get("volumeBindingMode"))) {
      errors.add(FieldError.invalid("volumeBindingMode",
          desired.getString("volumeBindingMode", ""), "field is immutable"));
    }
  }

  private static JsonObject fixed(JsonObject spec, boolean binding) {
    var result = dev.capstan.jsonp.Json.createObjectBuilder(spec);
    JsonObject resources = object(spec, "resources");
    result.add("resources", dev.capstan.jsonp.Json.createObjectBuilder(resources)
        .remove("requests"));
    result.remove("volumeAttributesClassName");
    if (binding) {
      result.remove("volumeName");
    }
    return result.build();
  }

  private static void accessModes(JsonObject spec, String path, String requiredDetail,
      List<FieldError> errors) {
    JsonArray modes = spec.get("accessModes") instanceof JsonArray array ? array
        : JsonValue.EMPTY_JSON_ARRAY;
    if (modes.isEmpty()) {
      errors.add(FieldError.required(path, requiredDetail));
      return;
    }
    List<String> seen = new ArrayList<>();
    for (JsonValue mode : modes) {
      String text = mode instanceof JsonString string ? string.getString() : mode.toString();
      if (!ACCESS_MODES.contains(text)) {
        errors.add(FieldError.notSupported(path, text, ACCESS_MODES));
      }
      seen.add(text);
    }
    if (seen.contains("ReadWriteOncePod") && seen.size() > 1) {
      errors.add(new FieldError(path, "FieldValueForbidden",
          "Forbidden: may not use ReadWriteOncePod with other access modes"));
    }
  }

  private static void quantity(JsonValue value, String path, boolean positive,
      List<FieldError> errors) {
    Optional<Quantity> amount;
    try {
      amount = Quantity.of(value);
    } catch (IllegalArgumentException e) {
      amount = Optional.empty();
    }
    String text = value instanceof JsonString string ? string.getString() : value.toString();
    if (amount.isEmpty()) {
      errors.add(FieldError.invalid(path, text,
          "quantities must match the regular expression"
              + " '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
    } else if (amount.get().compareTo(Quantity.ZERO) < 0) {
      errors.add(FieldError.invalid(path, text, "must be greater than or equal to 0"));
    } else if (positive && amount.get().isZero()) {
      errors.add(FieldError.invalid(path, text, "must be greater than zero"));
    }
  }

  private static void className(JsonObject spec, String path, List<FieldError> errors) {
    if (spec.get("storageClassName") instanceof JsonString name && !name.getString().isEmpty()) {
      Names.dns1123SubdomainProblem(name.getString()).ifPresent(problem -> errors.add(
          FieldError.invalid(path + ".storageClassName", name.getString(), problem)));
    }
  }

  private static void path(JsonObject source, String field, boolean absolute,
      List<FieldError> errors) {
    String path = source.getString("path", "");
    if (path.isEmpty()) {
      errors.add(FieldError.required(field, ""));
    } else if (List.of(path.split("/")).contains("..")) {
      errors.add(FieldError.invalid(field, path, "must not contain '..'"));
    } else if (absolute && !path.startsWith("/")) {
      errors.add(FieldError.invalid(field, path, "must be an absolute path"));
    }
  }
}
