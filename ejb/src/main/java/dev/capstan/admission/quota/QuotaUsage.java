package dev.capstan.admission.quota;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.admission.QosClass;
import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.resources.PodResources;
import dev.capstan.resources.Quantity;
import dev.capstan.resources.ResourceList;
import dev.capstan.store.ObjectMetadata;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * What an object uses of a ResourceQuota, as Kubernetes' quota evaluators count it: every object
 * {@code count/<resource>[.<group>]}; pods also {@code pods} and their compute
 * ({@code requests.cpu}, {@code limits.memory}, bare {@code cpu}/{@code memory} meaning
 * requests) unless they are finished (Succeeded/Failed) or past their deletion; services
 * {@code services}, {@code services.nodeports}, {@code services.loadbalancers}; the legacy
 * names {@code replicationcontrollers}, {@code configmaps}, {@code secrets},
 * {@code resourcequotas}, {@code persistentvolumeclaims}. Scoped quotas (Terminating,
 * NotTerminating, BestEffort, NotBestEffort, PriorityClass) only ever match pods. Pure: the
 * callers read the objects.
 */
public final class QuotaUsage {

  private static final Set<String> POD_RESOURCES = Set.of("pods", "cpu", "memory",
      "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
      "limits.cpu", "limits.memory", "limits.ephemeral-storage");
  private static final Set<String> SERVICE_RESOURCES =
      Set.of("services", "services.nodeports", "services.loadbalancers");
  private static final Map<String, String> LEGACY_COUNTS = Map.of(
      "ReplicationController", "replicationcontrollers", "ConfigMap", "configmaps",
      "Secret", "secrets", "ResourceQuota", "resourcequotas",
      "PersistentVolumeClaim", "persistentvolumeclaims");
  /** Quota on these makes every container state them (a Kubernetes compatibility rule). */
  private static final Set<String> MUST_SPECIFY = Set.of("cpu", "memory", "requests.cpu",
      "requests.memory", "limits.cpu", "limits.memory");

  private QuotaUsage() {}

  /** {@code count/pods}, {@code count/deployments.apps}. */
  public static String objectCountName(ResourceType type) {
    return "count/" + type.qualifiedPlural();
  }

  /** Whether objects of this type can use the named quota resource. */
  public static boolean tracks(ResourceType type, String resource) {
    if (resource.equals(objectCountName(type))) {
      return true;
    }
    String kind = kindKey(type);
    return switch (kind) {
      case "Pod" -> POD_RESOURCES.contains(resource) || resource.startsWith("hugepages-")
          || resource.startsWith("requests.hugepages-");
      case "Service" -> SERVICE_RESOURCES.contains(resource);
      default -> resource.equals(LEGACY_COUNTS.get(kind));
    };
  }

  /** The quota resources among {@code names} that objects of this type use. */
  public static List<String> tracked(ResourceType type, Collection<String> names) {
    return names.stream().filter(name -> tracks(type, name)).toList();
  }

  /** What one object uses (zero entries included, as Kubernetes' evaluators report them). */
  public static ResourceList of(ResourceType type, JsonObject object, Instant now) {
    ResourceList usage = ResourceList.EMPTY.with(objectCountName(type), Quantity.count(1));
    String kind = kindKey(type);
    switch (kind) {
      case "Pod" -> {
        if (charged(object, now)) {
          JsonObject spec = object(object, "spec");
          usage = usage.plus(compute(PodResources.requests(spec), PodResources.limits(spec)));
        }
      }
      case "Service" -> usage = usage.plus(service(object(object, "spec")));
      default -> {
        if (LEGACY_COUNTS.containsKey(kind)) {
          usage = usage.with(LEGACY_COUNTS.get(kind), Quantity.count(1));
        }
      }
    }
    return usage;
  }

  /**
   * Whether a pod is charged: not once it has finished, nor once it is past its deletion (a lost
   * node's pods must not hold the quota their replacements need).
   */
  static boolean charged(JsonObject pod, Instant now) {
    String phase = object(pod, "status").getString("phase", "");
    if (phase.equals("Succeeded") || phase.equals("Failed")) {
      return false;
    }
    JsonObject metadata = object(pod, "metadata");
    if (metadata.get("deletionTimestamp") instanceof JsonString deletion
        && metadata.get("deletionGracePeriodSeconds") instanceof JsonNumber grace) {
      try {
        return !now.isAfter(Instant.parse(deletion.getString()).plusSeconds(grace.longValue()));
      } catch (RuntimeException e) {
        return true;
      }
    }
    return true;
  }

  /** {@code pods: 1} and the compute resources of these requests and limits. */
  private static ResourceList compute(ResourceList requests, ResourceList limits) {
    Map<String, Quantity> result = new TreeMap<>();
    result.put("pods", Quantity.count(1));
    for (String resource : List.of("cpu", "memory", "ephemeral-storage")) {
      if (requests.has(resource)) {
        result.put(resource, requests.get(resource));
        result.put("requests." + resource, requests.get(resource));
      }
      if (limits.has(resource)) {
        result.put("limits." + resource, limits.get(resource));
      }
    }
    requests.amounts().forEach((resource, amount) -> {
      if (resource.startsWith("hugepages-")) {
        result.put(resource, amount);
        result.put("requests." + resource, amount);
      }
    });
    return ResourceList.of(result);
  }

  private static ResourceList service(JsonObject spec) {
    String type = spec.getString("type", "ClusterIP");
    List<JsonObject> ports = objects(spec, "ports");
    long nodePorts = switch (type) {
      case "NodePort" -> ports.size();
      case "LoadBalancer" -> spec.get("allocateLoadBalancerNodePorts") == JsonValue.FALSE
          ? ports.stream().filter(port -> port.containsKey("nodePort")).count() : ports.size();
      default -> 0;
    };
    return ResourceList.EMPTY
        .with("services", Quantity.count(1))
        .with("services.nodeports", Quantity.count(nodePorts))
        .with("services.loadbalancers", Quantity.count(type.equals("LoadBalancer") ? 1 : 0));
  }

  /**
   * Kubernetes' compatibility rule: when a quota limits cpu or memory, every container must
   * state that request or limit. Empty when none is missing, else {@code must specify
   * requests.cpu for: web; limits.memory for: web,sidecar}.
   */
  public static Optional<String> missingRequirements(JsonObject podSpec,
      Collection<String> restricted) {
    Set<String> required = new TreeSet<>(restricted);
    required.retainAll(MUST_SPECIFY);
    if (required.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Set<String>> missing = new TreeMap<>();
    List<JsonObject> containers = new ArrayList<>(objects(podSpec, "containers"));
    containers.addAll(objects(podSpec, "initContainers"));
    for (JsonObject container : containers) {
      Set<String> stated = compute(PodResources.of(container, "requests"),
          PodResources.of(container, "limits")).names();
      for (String resource : required) {
        if (!stated.contains(resource)) {
          missing.computeIfAbsent(resource, r -> new TreeSet<>())
              .add(container.getString("name", ""));
        }
      }
    }
    if (missing.isEmpty()) {
      return Optional.empty();
    }
    List<String> parts = new ArrayList<>();
    missing.forEach((resource, names) -> parts.add(resource + " for: " + String.join(",", names)));
    return Optional.of("must specify " + String.join("; ", parts));
  }

  /** Whether the quota's scopes (if it has any) select this object. */
  public static boolean matchesScopes(JsonObject quota, ResourceType type, JsonObject object) {
    JsonObject spec = object(quota, "spec");
    List<JsonObject> selectors = new ArrayList<>();
    if (spec.get("scopes") instanceof JsonArray scopes) {
      scopes.getValuesAs(JsonValue.class).stream()
          .filter(JsonString.class::isInstance)
          .map(scope -> Json.createObjectBuilder()
              .add("scopeName", ((JsonString) scope).getString()).add("operator", "Exists").build())
          .forEach(selectors::add);
    }
    selectors.addAll(objects(object(spec, "scopeSelector"), "matchExpressions"));
    if (selectors.isEmpty()) {
      return true;
    }
    if (type != ResourceTypes.POD) {
      return false;
    }
    return selectors.stream().allMatch(selector -> podMatches(selector, object));
  }

  private static boolean podMatches(JsonObject selector, JsonObject pod) {
    JsonObject spec = object(pod, "spec");
    boolean terminating = spec.get("activeDeadlineSeconds") instanceof JsonNumber deadline
        && deadline.longValue() >= 0;
    boolean bestEffort = QosClass.of(spec).equals("BestEffort");
    return switch (selector.getString("scopeName", "")) {
      case "Terminating" -> terminating;
      case "NotTerminating" -> !terminating;
      case "BestEffort" -> bestEffort;
      case "NotBestEffort" -> !bestEffort;
      case "PriorityClass" -> {
        String priorityClass = spec.getString("priorityClassName", "");
        List<String> values = selector.get("values") instanceof JsonArray array
            ? array.getValuesAs(JsonString.class).stream().map(JsonString::getString).toList()
            : List.of();
        yield switch (selector.getString("operator", "")) {
          case "Exists" -> !priorityClass.isEmpty();
          case "DoesNotExist" -> priorityClass.isEmpty();
          case "In" -> !priorityClass.isEmpty() && values.contains(priorityClass);
          case "NotIn" -> priorityClass.isEmpty() || !values.contains(priorityClass);
          default -> false;
        };
      }
      default -> false;
    };
  }

  /**
   * What a namespace's objects use of a quota, counted from scratch, with a (zero) entry for
   * every hard resource some kind uses: what the quota controller writes as {@code status.used}.
   *
   * @param objectsOf the objects of a kind in the quota's namespace
   */
  public static ResourceList used(JsonObject quota, Function<ResourceType, List<JsonObject>> objectsOf,
      Instant now) {
    ResourceList hard = ResourceList.of(object(object(quota, "spec"), "hard"));
    ResourceList used = ResourceList.EMPTY;
    for (ResourceType type : ResourceTypes.all()) {
      if (!type.namespaced() || type.readOnly() || type.createOnly()) {
        continue;
      }
      List<String> tracked = tracked(type, hard.names());
      if (tracked.isEmpty()) {
        continue;
      }
      for (String name : tracked) {
        used = used.with(name, used.get(name));
      }
      for (JsonObject object : objectsOf.apply(type)) {
        if (matchesScopes(quota, type, object)) {
          used = used.plus(of(type, object, now).mask(tracked));
        }
      }
    }
    return used;
  }

  /** Whether an object's deletion, or this change to it, may lower what it uses. */
  public static boolean mayReleaseUsage(ResourceType type, JsonObject object) {
    String kind = kindKey(type);
    if (kind.equals("Pod")) {
      String phase = object(object, "status").getString("phase", "");
      return ObjectMetadata.isDeleting(object) || phase.equals("Succeeded")
          || phase.equals("Failed");
    }
    return kind.equals("Service");
  }

  private static String kindKey(ResourceType type) {
    return type.group().isEmpty() ? type.kind() : type.kind() + "." + type.group();
  }
}
