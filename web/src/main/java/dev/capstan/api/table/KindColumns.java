package dev.capstan.api.table;

import static dev.capstan.api.table.Fields.number;
import static dev.capstan.api.table.Fields.object;
import static dev.capstan.api.table.Fields.objects;
import static dev.capstan.api.table.Fields.orNone;
import static dev.capstan.api.table.Fields.string;

import dev.capstan.jsonp.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The columns kubectl users know for each kind (as kube-apiserver's printers define them);
 * kinds without their own get NAME and AGE.
 */
final class KindColumns {

  private final Clock clock;

  KindColumns(Clock clock) {
    this.clock = clock;
  }

  List<Column> of(String group, String kind) {
    String key = group.isEmpty() ? kind : kind + "." + group;
    return switch (key) {
      case "Namespace" -> List.of(name(), text("Status", "The phase of the namespace", 0,
          o -> string(o, "status.phase")), age());
      case "Node" -> List.of(name(), text("Status", "The status of the node", 0, PodStatus::node),
          text("Roles", "The roles of the node", 0, o -> "<none>"), age(),
          text("Version", "Kubelet version", 0, o -> string(o, "status.nodeInfo.kubeletVersion")),
          text("Internal-IP", "Internal IP of the node", 1, o -> address(o, "InternalIP")),
          text("External-IP", "External IP of the node", 1, o -> address(o, "ExternalIP")),
          text("OS-Image", "OS image", 1, o -> string(o, "status.nodeInfo.osImage")),
          text("Kernel-Version", "Kernel version", 1, o -> string(o, "status.nodeInfo.kernelVersion")),
          text("Container-Runtime", "Container runtime", 1,
              o -> string(o, "status.nodeInfo.containerRuntimeVersion")));
      case "Pod" -> List.of(name(), text("Ready", "ready containers / containers", 0, PodStatus::ready),
          text("Status", "The aggregate status of the containers", 0, PodStatus::status),
          integer("Restarts", "Container restarts", 0, PodStatus::restarts), age(),
          text("IP", "Pod IP", 1, o -> orNone(string(o, "status.podIP"))),
          text("Node", "The node the pod is bound to", 1, o -> orNone(string(o, "spec.nodeName"))),
          text("Nominated Node", "Nominated node", 1,
              o -> orNone(string(o, "status.nominatedNodeName"))),
          text("Readiness Gates", "Readiness gates", 1, o -> "<none>"));
      case "Service" -> List.of(name(), text("Type", "The type of the service", 0,
              o -> string(o, "spec.type").isEmpty() ? "ClusterIP" : string(o, "spec.type")),
          text("Cluster-IP", "Cluster IP", 0, o -> orNone(string(o, "spec.clusterIP"))),
          text("External-IP", "External IPs", 0, KindColumns::externalIps),
          text("Port(s)", "Ports", 0, KindColumns::servicePorts), age(),
          text("Selector", "Selector", 1, o -> orNone(selector(object(o, "spec.selector")))));
      case "ReplicationController", "ReplicaSet.apps" -> List.of(name(),
          integer("Desired", "Desired replicas", 0, o -> number(o, "spec.replicas")),
          integer("Current", "Current replicas", 0, o -> number(o, "status.replicas")),
          integer("Ready", "Ready replicas", 0, o -> number(o, "status.readyReplicas")), age(),
          text("Containers", "Containers", 1, o -> containers(o, "name")),
          text("Images", "Images", 1, o -> containers(o, "image")),
          text("Selector", "Selector", 1, KindColumns::anySelector));
      case "Deployment.apps" -> List.of(name(),
          text("Ready", "ready / desired", 0,
              o -> number(o, "status.readyReplicas") + "/" + number(o, "spec.replicas")),
          integer("Up-to-date", "Updated replicas", 0, o -> number(o, "status.updatedReplicas")),
          integer("Available", "Available replicas", 0, o -> number(o, "status.availableReplicas")),
          age(), text("Containers", "Containers", 1, o -> containers(o, "name")),
          text("Images", "Images", 1, o -> containers(o, "image")),
          text("Selector", "Selector", 1, KindColumns::anySelector));
      case "PodDisruptionBudget.policy" -> List.of(name(),
          text("Min Available", "The minimum number or percentage of available pods", 0,
              o -> intOrPercent(o, "spec.minAvailable")),
          text("Max Unavailable", "The maximum number or percentage of unavailable pods", 0,
              o -> intOrPercent(o, "spec.maxUnavailable")),
          integer("Allowed Disruptions", "The number of pod disruptions allowed now", 0,
              o -> number(o, "status.disruptionsAllowed")), age());
      case "HorizontalPodAutoscaler.autoscaling" -> List.of(name(),
          text("Reference", "reference to scaled resource; horizontal pod autoscaler will learn"
              + " the current resource consumption and will set the desired number of pods by"
              + " using its Scale subresource.", 0, o -> string(o, "spec.scaleTargetRef.kind")
                  + "/" + string(o, "spec.scaleTargetRef.name")),
          text("Targets", "metrics contains the specifications for which to use to calculate"
              + " the desired replica count", 0, AutoscalerTargets::of),
          text("MinPods", "minReplicas is the lower limit for the number of replicas to which"
              + " the autoscaler can scale down.", 0, o -> Fields.at(o, "spec.minReplicas")
                  instanceof jakarta.json.JsonNumber min ? min.toString() : "<unset>"),
          integer("MaxPods", "maxReplicas is the upper limit for the number of replicas to which"
              + " the autoscaler can scale up.", 0, o -> number(o, "spec.maxReplicas")),
          integer("Replicas", "currentReplicas is current number of replicas of pods managed by"
              + " this autoscaler, as last seen by the autoscaler.", 0,
              o -> number(o, "status.currentReplicas")), age());
      case "PersistentVolume" -> List.of(name(),
          text("Capacity", "capacity is the description of the persistent volume's resources"
              + " and capacity.", 0, o -> string(o, "spec.capacity.storage")),
          text("Access Modes", "accessModes contains all ways the volume can be mounted.", 0,
              o -> accessModes(o, "spec.accessModes")),
          text("Reclaim Policy", "persistentVolumeReclaimPolicy defines what happens to a"
              + " persistent volume when released from its claim.", 0,
              o -> string(o, "spec.persistentVolumeReclaimPolicy")),
          text("Status", "phase indicates if a volume is available, bound to a claim, or released"
              + " by a claim.", 0, o -> terminatingOr(o, string(o, "status.phase"))),
          text("Claim", "claimRef is part of a bi-directional binding between"
              + " PersistentVolume and PersistentVolumeClaim.", 0, o -> string(o,
                  "spec.claimRef.name").isEmpty() ? "" : string(o, "spec.claimRef.namespace")
                  + "/" + string(o, "spec.claimRef.name")),
          text("StorageClass", "StorageClass of the pv", 0, o -> firstNonEmpty(
              annotation(o, "volume.beta.kubernetes.io/storage-class"),
              string(o, "spec.storageClassName"))),
          text("VolumeAttributesClass", "VolumeAttributesClass of the pv", 0,
              o -> orUnset(string(o, "spec.volumeAttributesClassName"))),
          text("Reason", "reason is a brief CamelCase string that describes any failure and is"
              + " meant for machine parsing and tidy display in the CLI.", 0,
              o -> string(o, "status.reason")), age(),
          text("VolumeMode", "volumeMode defines if a volume is intended to be used with a"
              + " formatted filesystem or to remain in raw block state.", 1,
              o -> orUnset(string(o, "spec.volumeMode"))));
      case "PersistentVolumeClaim" -> List.of(name(),
          text("Status", "phase represents the current phase of PersistentVolumeClaim.", 0,
              o -> terminatingOr(o, string(o, "status.phase"))),
          text("Volume", "volumeName is the binding reference to the PersistentVolume backing"
              + " this claim.", 0, o -> string(o, "spec.volumeName")),
          text("Capacity", "capacity represents the actual resources of the underlying volume.",
              0, o -> string(o, "spec.volumeName").isEmpty() ? ""
                  : string(o, "status.capacity.storage")),
          text("Access Modes", "accessModes contains the actual access modes the volume backing"
              + " the PVC has.", 0, o -> string(o, "spec.volumeName").isEmpty() ? ""
                  : accessModes(o, "status.accessModes")),
          text("StorageClass", "StorageClass of the pvc", 0, o -> firstNonEmpty(
              annotation(o, "volume.beta.kubernetes.io/storage-class"),
              string(o, "spec.storageClassName"))),
          text("VolumeAttributesClass", "VolumeAttributesClass of the pvc", 0,
              o -> orUnset(string(o, "spec.volumeAttributesClassName"))), age(),
          text("VolumeMode", "volumeMode defines what type of volume is required by the claim.",
              1, o -> orUnset(string(o, "spec.volumeMode"))));
      case "StorageClass.storage.k8s.io" -> List.of(
          new Column("Name", "string", "name", "Name must be unique within a namespace.", 0,
              o -> Json.createValue(string(o, "metadata.name") + ("true".equals(annotation(o,
                  "storageclass.kubernetes.io/is-default-class")) ? " (default)" : ""))),
          text("Provisioner", "provisioner indicates the type of the provisioner.", 0,
              o -> string(o, "provisioner")),
          text("ReclaimPolicy", "reclaimPolicy controls the reclaimPolicy for dynamically"
              + " provisioned PersistentVolumes of this storage class.", 0,
              o -> firstNonEmpty(string(o, "reclaimPolicy"), "Delete")),
          text("VolumeBindingMode", "volumeBindingMode indicates how PersistentVolumeClaims"
              + " should be provisioned and bound.", 0,
              o -> firstNonEmpty(string(o, "volumeBindingMode"), "Immediate")),
          text("AllowVolumeExpansion", "allowVolumeExpansion shows whether the storage class"
              + " allow volume expand.", 0,
              o -> Fields.at(o, "allowVolumeExpansion") == JsonValue.TRUE ? "true" : "false"),
          age());
      case "StatefulSet.apps" -> List.of(name(),
          text("Ready", "Number of the pod with ready state", 0,
              o -> number(o, "status.readyReplicas") + "/" + number(o, "spec.replicas")),
          age(),
          text("Containers", "Names of each container in the template.", 1,
              o -> containers(o, "name")),
          text("Images", "Images referenced by each container in the template.", 1,
              o -> containers(o, "image")));
      case "ControllerRevision.apps" -> List.of(name(),
          text("Controller", "Controller of the object", 0, KindColumns::controllerName),
          integer("Revision", "Revision indicates the revision of the state represented by Data.",
              0, o -> number(o, "revision")), age());
      case "DaemonSet.apps" -> List.of(name(),
          integer("Desired", "Desired pods", 0, o -> number(o, "status.desiredNumberScheduled")),
          integer("Current", "Current pods", 0, o -> number(o, "status.currentNumberScheduled")),
          integer("Ready", "Ready pods", 0, o -> number(o, "status.numberReady")),
          integer("Up-to-date", "Updated pods", 0, o -> number(o, "status.updatedNumberScheduled")),
          integer("Available", "Available pods", 0, o -> number(o, "status.numberAvailable")),
          text("Node Selector", "Node selector", 0,
              o -> orNone(selector(object(o, "spec.template.spec.nodeSelector")))),
          age(), text("Containers", "Containers", 1, o -> containers(o, "name")),
          text("Images", "Images", 1, o -> containers(o, "image")),
          text("Selector", "Selector", 1, KindColumns::anySelector));
      case "Job.batch" -> List.of(name(),
          text("Status", "Status of the job.", 0, KindColumns::jobStatus),
          text("Completions", "The number of pods which reached phase Succeeded.", 0,
              KindColumns::completions),
          text("Duration", "Time required to complete the job.", 0, this::jobDuration), age(),
          text("Containers", "Containers", 1, o -> containers(o, "name")),
          text("Images", "Images", 1, o -> containers(o, "image")),
          text("Selector", "Selector", 1, KindColumns::anySelector));
      case "CronJob.batch" -> List.of(name(),
          text("Schedule", "The schedule", 0, o -> string(o, "spec.schedule")),
          text("Timezone", "The time zone", 0, o -> orNone(string(o, "spec.timeZone"))),
          text("Suspend", "Whether suspended", 0,
              o -> Fields.at(o, "spec.suspend") == JsonValue.TRUE ? "True" : "False"),
          integer("Active", "Active jobs", 0, o -> objects(o, "status.active").size()),
          text("Last Schedule", "When last scheduled", 0,
              o -> string(o, "status.lastScheduleTime").isEmpty() ? "<none>"
                  : since(string(o, "status.lastScheduleTime"))),
          age(), text("Containers", "Containers", 1, o -> objects(o,
              "spec.jobTemplate.spec.template.spec.containers").stream()
              .map(c -> c.getString("name", "")).collect(Collectors.joining(","))),
          text("Images", "Images", 1, o -> objects(o,
              "spec.jobTemplate.spec.template.spec.containers").stream()
              .map(c -> c.getString("image", "")).collect(Collectors.joining(","))),
          text("Selector", "Selector", 1, o -> "<none>"));
      case "ConfigMap" -> List.of(name(), integer("Data", "Number of entries", 0,
          o -> object(o, "data").size() + object(o, "binaryData").size()), age());
      case "Secret" -> List.of(name(), text("Type", "Secret type", 0, o -> string(o, "type")),
          integer("Data", "Number of entries", 0, o -> object(o, "data").size()), age());
      case "Endpoints" -> List.of(name(), text("Endpoints", "Endpoints", 0, KindColumns::endpoints), age());
      case "EndpointSlice.discovery.k8s.io" -> List.of(name(),
          text("AddressType", "Type of address carried by this EndpointSlice", 0,
              o -> string(o, "addressType")),
          text("Ports", "Ports of this EndpointSlice", 0, KindColumns::slicePorts),
          text("Endpoints", "Endpoints of this EndpointSlice", 0, KindColumns::sliceEndpoints),
          age());
      case "ServiceAccount" -> List.of(name(), integer("Secrets", "Secrets", 0,
          o -> objects(o, "secrets").size()), age());
      case "ResourceQuota" -> List.of(name(), age(),
          text("Request", "Request represents a minimum amount of cpu/memory that a container"
              + " may consume.", 0, o -> quotaUsage(o, false)),
          text("Limit", "Limits control the maximum amount of cpu/memory that a container may"
              + " use independent of contention on the node.", 0, o -> quotaUsage(o, true)));
      case "Role.rbac.authorization.k8s.io", "ClusterRole.rbac.authorization.k8s.io" ->
          List.of(name(), text("Created At", "Time at which the object was created", 0,
              o -> string(o, "metadata.creationTimestamp")));
      case "RoleBinding.rbac.authorization.k8s.io",
          "ClusterRoleBinding.rbac.authorization.k8s.io" -> List.of(name(),
          text("Role", "Role", 0, o -> string(o, "roleRef.kind") + "/" + string(o, "roleRef.name")),
          age(),
          text("Users", "Users in the roleBinding", 1, o -> subjects(o, "User", false)),
          text("Groups", "Groups in the roleBinding", 1, o -> subjects(o, "Group", false)),
          text("ServiceAccounts", "ServiceAccounts in the roleBinding", 1,
              o -> subjects(o, "ServiceAccount", true)));
      case "LimitRange" -> List.of(name(), text("Created At", "Time the limit range was created",
          0, o -> string(o, "metadata.creationTimestamp")));
      case "Event" -> List.of(
          text("Last Seen", "When last seen", 0, o -> since(firstNonEmpty(
              string(o, "lastTimestamp"), string(o, "eventTime"), string(o, "metadata.creationTimestamp")))),
          text("Type", "Event type", 0, o -> string(o, "type")),
          text("Reason", "Reason", 0, o -> string(o, "reason")),
          text("Object", "The object the event is about", 0, o ->
              string(o, "involvedObject.kind").toLowerCase() + "/" + string(o, "involvedObject.name")),
          text("Message", "Message", 0, o -> string(o, "message")));
      case "ComponentStatus" -> List.of(name(),
          text("Status", "Status of the component", 0, o -> objects(o, "conditions").stream()
              .anyMatch(c -> "True".equals(c.getString("status", ""))) ? "Healthy" : "Unhealthy"),
          text("Message", "Message of the component", 0, o -> objects(o, "conditions").stream()
              .map(c -> c.getString("message", "")).findFirst().orElse("")),
          text("Error", "Error of the component", 0, o -> objects(o, "conditions").stream()
              .map(c -> c.getString("error", "")).findFirst().orElse("")));
      default -> List.of(name(), age());
    };
  }

  private static Column name() {
    return new Column("Name", "string", "name", "Name must be unique within a namespace.", 0,
        o -> Json.createValue(string(o, "metadata.name")));
  }

  private Column age() {
    return new Column("Age", "string", "", "Time since the object was created.", 0,
        o -> Json.createValue(since(string(o, "metadata.creationTimestamp"))));
  }

  private static Column text(String name, String description, int priority,
      Function<JsonObject, String> cell) {
    return new Column(name, "string", "", description, priority, o -> Json.createValue(cell.apply(o)));
  }

  private static Column integer(String name, String description, int priority,
      Function<JsonObject, Number> cell) {
    return new Column(name, "integer", "", description, priority,
        o -> Json.createValue(cell.apply(o).longValue()));
  }

  /** A Job's STATUS as kubectl's printer words it, from its conditions. */
  static String jobStatus(JsonObject job) {
    List<String> conditions = objects(job, "status.conditions").stream()
        .filter(c -> "True".equals(c.getString("status", "")))
        .map(c -> c.getString("type", "")).toList();
    if (conditions.contains("Complete")) {
      return "Complete";
    }
    if (conditions.contains("Failed")) {
      return "Failed";
    }
    if (!string(job, "metadata.deletionTimestamp").isEmpty()) {
      return "Terminating";
    }
    for (String interim : List.of("Suspended", "FailureTarget", "SuccessCriteriaMet")) {
      if (conditions.contains(interim)) {
        return interim;
      }
    }
    return "Running";
  }

  static String completions(JsonObject job) {
    String succeeded = String.valueOf(number(job, "status.succeeded"));
    if (Fields.at(job, "spec.completions") instanceof jakarta.json.JsonNumber completions) {
      return succeeded + "/" + completions.intValue();
    }
    if (Fields.at(job, "spec.parallelism") instanceof jakarta.json.JsonNumber parallelism
        && parallelism.intValue() > 1) {
      return succeeded + "/1 of " + parallelism.intValue();
    }
    return succeeded + "/1";
  }

  private String jobDuration(JsonObject job) {
    String start = string(job, "status.startTime");
    if (start.isEmpty()) {
      return "";
    }
    String end = string(job, "status.completionTime");
    return HumanDuration.format(Duration.between(Instant.parse(start),
        end.isEmpty() ? clock.instant() : Instant.parse(end)));
  }

  private String since(String timestamp) {
    if (timestamp.isEmpty()) {
      return "<unknown>";
    }
    return HumanDuration.format(Duration.between(Instant.parse(timestamp), clock.instant()));
  }

  private static String intOrPercent(JsonObject object, String path) {
    JsonValue value = Fields.at(object, path);
    if (value instanceof JsonString text) {
      return text.getString();
    }
    return value instanceof jakarta.json.JsonNumber number ? number.toString() : "N/A";
  }

  private static String firstNonEmpty(String... values) {
    for (String value : values) {
      if (!value.isEmpty()) {
        return value;
      }
    }
    return "";
  }

  private static String address(JsonObject node, String type) {
    return objects(node, "status.addresses").stream()
        .filter(a -> type.equals(a.getString("type", "")))
        .map(a -> a.getString("address", "")).findFirst().orElse("<none>");
  }

  private static String externalIps(JsonObject service) {
    List<String> ips = new ArrayList<>();
    objects(service, "status.loadBalancer.ingress").forEach(i -> ips.add(i.getString("ip", i.getString("hostname", ""))));
    if (Fields.at(service, "spec.externalIPs") instanceof jakarta.json.JsonArray external) {
      external.getValuesAs(JsonString.class).forEach(ip -> ips.add(ip.getString()));
    }
    if (ips.isEmpty()) {
      return "LoadBalancer".equals(string(service, "spec.type")) ? "<pending>" : "<none>";
    }
    return String.join(",", ips);
  }

  private static String servicePorts(JsonObject service) {
    String ports = objects(service, "spec.ports").stream().map(p -> {
      String nodePort = p.containsKey("nodePort") ? ":" + p.get("nodePort") : "";
      return p.get("port") + nodePort + "/" + p.getString("protocol", "TCP");
    }).collect(Collectors.joining(","));
    return orNone(ports);
  }

  /** {@code pods: 3/3, services: 0/1}: used/hard of the {@code limits.*} resources or the rest. */
  private static String quotaUsage(JsonObject quota, boolean limits) {
    JsonObject used = object(quota, "status.used");
    JsonObject hard = object(quota, "status.hard");
    return object(quota, "spec.hard").keySet().stream().sorted()
        .filter(resource -> resource.startsWith("limits.") == limits)
        .map(resource -> resource + ": " + quantity(used, resource) + "/" + quantity(hard, resource))
        .collect(Collectors.joining(", "));
  }

  private static String quantity(JsonObject amounts, String resource) {
    return amounts.get(resource) instanceof JsonString amount ? amount.getString() : "0";
  }

  private static String endpoints(JsonObject endpoints) {
    List<String> all = new ArrayList<>();
    for (JsonObject subset : objects(endpoints, "subsets")) {
      for (JsonObject address : objects(subset, "addresses")) {
        List<JsonObject> ports = objects(subset, "ports");
        if (ports.isEmpty()) {
          all.add(address.getString("ip", ""));
        }
        ports.forEach(port -> all.add(address.getString("ip", "") + ":" + port.get("port")));
      }
    }
    return all.isEmpty() ? "<none>" : limited(all);
  }

  private static String slicePorts(JsonObject slice) {
    List<String> ports = objects(slice, "ports").stream()
        .map(port -> port.containsKey("port") ? port.get("port").toString() : "<unset>")
        .toList();
    return ports.isEmpty() ? "<unset>" : limited(ports);
  }

  private static String sliceEndpoints(JsonObject slice) {
    List<String> addresses = new ArrayList<>();
    for (JsonObject endpoint : objects(slice, "endpoints")) {
      endpoint.getJsonArray("addresses").getValuesAs(jakarta.json.JsonString.class)
          .forEach(address -> addresses.add(address.getString()));
    }
    return addresses.isEmpty() ? "<unset>" : limited(addresses);
  }

  /** The first three, then how many more, as kubectl's printers shorten lists. */
  /** kube's printer: names of one subject kind, ServiceAccounts as {@code namespace:name}. */
  private static String subjects(JsonObject binding, String kind, boolean serviceAccounts) {
    return objects(binding, "subjects").stream()
        .filter(subject -> subject.getString("kind", "").equals(kind))
        .map(subject -> serviceAccounts
            ? subject.getString("namespace", "") + ":" + subject.getString("name", "")
            : subject.getString("name", ""))
        .collect(Collectors.joining(", "));
  }

  private static String limited(List<String> all) {
    String shown = all.stream().limit(3).collect(Collectors.joining(","));
    return all.size() > 3 ? shown + " + " + (all.size() - 3) + " more..." : shown;
  }

  private static String containers(JsonObject owner, String field) {
    return objects(owner, "spec.template.spec.containers").stream()
        .map(c -> c.getString(field, "")).collect(Collectors.joining(","));
  }

  /** kubectl's access modes: RWO, ROX, RWX, RWOP, in that order, joined by commas. */
  private static String accessModes(JsonObject object, String path) {
    List<String> modes = Fields.at(object, path) instanceof jakarta.json.JsonArray array
        ? array.stream().map(v -> v instanceof JsonString s ? s.getString() : "").toList()
        : List.of();
    List<String> shown = new java.util.ArrayList<>();
    for (String[] mode : new String[][] {{"ReadWriteOnce", "RWO"}, {"ReadOnlyMany", "ROX"},
        {"ReadWriteMany", "RWX"}, {"ReadWriteOncePod", "RWOP"}}) {
      if (modes.contains(mode[0])) {
        shown.add(mode[1]);
      }
    }
    return String.join(",", shown);
  }

  private static String terminatingOr(JsonObject object, String phase) {
    return string(object, "metadata.deletionTimestamp").isEmpty() ? phase : "Terminating";
  }

  private static String annotation(JsonObject object, String key) {
    return object(object, "metadata.annotations").get(key) instanceof JsonString value
        ? value.getString() : "";
  }

  private static String orUnset(String value) {
    return value.isEmpty() ? "<unset>" : value;
  }

  /**
   * kubectl's CONTROLLER of a ControllerRevision: its controller as {@code kind.group/name} in
   * lower case ({@code daemonset.apps/fluentd}), or {@code <none>}.
   */
  private static String controllerName(JsonObject object) {
    return objects(object, "metadata.ownerReferences").stream()
        .filter(reference -> reference.get("controller") == JsonValue.TRUE)
        .findFirst()
        .map(reference -> {
          String apiVersion = reference.getString("apiVersion", "");
          String group = apiVersion.contains("/") ? apiVersion.substring(0,
              apiVersion.indexOf('/')) : "";
          String kind = reference.getString("kind", "").toLowerCase(java.util.Locale.ROOT);
          return (group.isEmpty() ? kind : kind + "." + group) + "/"
              + reference.getString("name", "");
        })
        .orElse("<none>");
  }

  private static String anySelector(JsonObject owner) {
    JsonObject selector = object(owner, "spec.selector");
    JsonObject labels = selector.get("matchLabels") instanceof JsonObject m ? m : selector;
    return orNone(selector(labels));
  }

  static String selector(JsonObject labels) {
    return labels.entrySet().stream()
        .filter(e -> e.getValue() instanceof JsonString)
        .sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey() + "=" + ((JsonString) e.getValue()).getString())
        .collect(Collectors.joining(","));
  }

}
