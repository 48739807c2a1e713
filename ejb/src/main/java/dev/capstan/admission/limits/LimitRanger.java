package dev.capstan.admission.limits;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.jsonp.Json;
import dev.capstan.resources.PodResources;
import dev.capstan.resources.Quantity;
import dev.capstan.resources.ResourceList;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * LimitRange admission of pods, as Kubernetes' LimitRanger plugin does it: containers that do
 * not state a request or limit get the namespace's {@code type: Container} {@code defaultRequest}
 * and {@code default} (noted in the {@code kubernetes.io/limit-ranger} annotation), then every
 * container ({@code type: Container}) and the pod as a whole ({@code type: Pod}) must keep within
 * {@code min}, {@code max} and {@code maxLimitRequestRatio}, with Kubernetes' messages. Pure.
 */
public final class LimitRanger {

  static final String ANNOTATION = "kubernetes.io/limit-ranger";

  private LimitRanger() {}

  /**
   * A LimitRange as Kubernetes defaults it: a Container item's {@code default} limit falls back to
   * its {@code max}, its {@code defaultRequest} to the default limit, then to its {@code min}.
   */
  public static JsonObject defaulted(JsonObject limitRange) {
    JsonObject spec = object(limitRange, "spec");
    if (!(spec.get("limits") instanceof JsonArray items)) {
      return limitRange;
    }
    JsonArrayBuilder defaulted = Json.createArrayBuilder();
    for (JsonValue value : items) {
      if (!(value instanceof JsonObject item) || !"Container".equals(item.getString("type", ""))) {
        defaulted.add(value);
        continue;
      }
      JsonObjectBuilder limits = Json.createObjectBuilder(object(item, "default"));
      object(item, "max").forEach((name, amount) -> {
        if (!object(item, "default").containsKey(name)) {
          limits.add(name, amount);
        }
      });
      JsonObject defaultLimits = limits.build();
      JsonObjectBuilder requests = Json.createObjectBuilder(object(item, "defaultRequest"));
      Map<String, JsonValue> fallbacks = new TreeMap<>(object(item, "min"));
      fallbacks.putAll(defaultLimits);
      fallbacks.forEach((name, amount) -> {
        if (!object(item, "defaultRequest").containsKey(name)) {
          requests.add(name, amount);
        }
      });
      JsonObject defaultRequests = requests.build();
      JsonObjectBuilder result = Json.createObjectBuilder(item);
      if (!defaultLimits.isEmpty()) {
        result.add("default", defaultLimits);
      }
      if (!defaultRequests.isEmpty()) {
        result.add("defaultRequest", defaultRequests);
      }
      defaulted.add(result);
    }
    return Json.createObjectBuilder(limitRange)
        .add("spec", Json.createObjectBuilder(spec).add("limits", defaulted)).build();
  }

  /** The pod with the Container defaults of each LimitRange applied where it states nothing. */
  public static JsonObject withDefaults(JsonObject pod, List<JsonObject> limitRanges) {
    JsonObject spec = object(pod, "spec");
    List<String> notes = new ArrayList<>();
    for (JsonObject limitRange : limitRanges) {
      JsonObjectBuilder requests = Json.createObjectBuilder();
      JsonObjectBuilder limits = Json.createObjectBuilder();
      for (JsonObject item : objects(object(limitRange, "spec"), "limits")) {
        if ("Container".equals(item.getString("type", ""))) {
          object(item, "defaultRequest").forEach(requests::add);
          object(item, "default").forEach(limits::add);
        }
      }
      JsonObject defaultRequests = requests.build();
      JsonObject defaultLimits = limits.build();
      if (defaultRequests.isEmpty() && defaultLimits.isEmpty()) {
        continue;
      }
      JsonObjectBuilder result = Json.createObjectBuilder(spec);
      for (String list : List.of("initContainers", "containers")) {
        if (spec.get(list) instanceof JsonArray containers) {
          JsonArrayBuilder defaulted = Json.createArrayBuilder();
          String prefix = list.equals("containers") ? "container" : "init container";
          for (JsonValue value : containers) {
            defaulted.add(value instanceof JsonObject container
                ? withDefaults(container, defaultRequests, defaultLimits, prefix, notes) : value);
          }
          result.add(list, defaulted);
        }
      }
      spec = result.build();
    }
    if (notes.isEmpty()) {
      return pod;
    }
    JsonObject metadata = object(pod, "metadata");
    return Json.createObjectBuilder(pod)
        .add("metadata", Json.createObjectBuilder(metadata).add("annotations",
            Json.createObjectBuilder(object(metadata, "annotations"))
                .add(ANNOTATION, "LimitRanger plugin set: " + String.join("; ", notes))))
        .add("spec", spec).build();
  }

  private static JsonObject withDefaults(JsonObject container, JsonObject defaultRequests,
      JsonObject defaultLimits, String prefix, List<String> notes) {
    JsonObject resources = object(container, "resources");
    JsonObjectBuilder limits = Json.createObjectBuilder(object(resources, "limits"));
    JsonObjectBuilder requests = Json.createObjectBuilder(object(resources, "requests"));
    List<String> setLimits = new ArrayList<>();
    List<String> setRequests = new ArrayList<>();
    new TreeMap<>(defaultLimits).forEach((name, amount) -> {
      if (!object(resources, "limits").containsKey(name)) {
        limits.add(name, amount);
        setLimits.add(name);
      }
    });
    new TreeMap<>(defaultRequests).forEach((name, amount) -> {
      if (!object(resources, "requests").containsKey(name)) {
        requests.add(name, amount);
        setRequests.add(name);
      }
    });
    if (setLimits.isEmpty() && setRequests.isEmpty()) {
      return container;
    }
    String name = container.getString("name", "");
    if (!setRequests.isEmpty()) {
      notes.add(String.join(", ", setRequests) + " request for " + prefix + " " + name);
    }
    if (!setLimits.isEmpty()) {
      notes.add(String.join(", ", setLimits) + " limit for " + prefix + " " + name);
    }
    return Json.createObjectBuilder(container).add("resources", Json.createObjectBuilder(resources)
        .add("limits", limits).add("requests", requests)).build();
  }

  /** What the pod violates of the LimitRanges' min, max and ratios; empty when nothing. */
  public static List<String> violations(JsonObject podSpec, List<JsonObject> limitRanges) {
    List<String> errors = new ArrayList<>();
    for (JsonObject limitRange : limitRanges) {
      for (JsonObject item : objects(object(limitRange, "spec"), "limits")) {
        String type = item.getString("type", "");
        if (type.equals("Container")) {
          List<JsonObject> containers = new ArrayList<>(objects(podSpec, "containers"));
          containers.addAll(objects(podSpec, "initContainers"));
          for (JsonObject container : containers) {
            check(type, item, PodResources.of(container, "requests"),
                PodResources.of(container, "limits"), errors);
          }
        } else if (type.equals("Pod")) {
          check(type, item, PodResources.requests(podSpec), PodResources.limits(podSpec), errors);
        }
      }
    }
    return errors;
  }

  private static void check(String type, JsonObject item, ResourceList requests,
      ResourceList limits, List<String> errors) {
    ResourceList.of(object(item, "min")).amounts().forEach((name, min) -> {
      if (!requests.has(name)) {
        errors.add("minimum " + name + " usage per " + type + " is " + min
            + ".  No request is specified");
      } else if (requests.get(name).compareTo(min) < 0) {
        errors.add("minimum " + name + " usage per " + type + " is " + min + ", but request is "
            + requests.get(name));
      } else if (limits.has(name) && limits.get(name).compareTo(min) < 0) {
        errors.add("minimum " + name + " usage per " + type + " is " + min + ", but limit is "
            + limits.get(name));
      }
    });
    ResourceList.of(object(item, "max")).amounts().forEach((name, max) -> {
      if (!limits.has(name)) {
        errors.add("maximum " + name + " usage per " + type + " is " + max
            + ".  No limit is specified");
      } else if (limits.get(name).compareTo(max) > 0) {
        errors.add("maximum " + name + " usage per " + type + " is " + max + ", but limit is "
            + limits.get(name));
      } else if (requests.has(name) && requests.get(name).compareTo(max) > 0) {
        errors.add("maximum " + name + " usage per " + type + " is " + max + ", but request is "
            + requests.get(name));
      }
    });
    ResourceList.of(object(item, "maxLimitRequestRatio")).amounts().forEach((name, ratio) -> {
      Quantity request = requests.get(name);
      Quantity limit = limits.get(name);
      String rule = name + " max limit to request ratio per " + type + " is " + ratio;
      if (request.isZero()) {
        errors.add(rule + ", but no request is specified or request is 0");
      } else if (limit.isZero()) {
        errors.add(rule + ", but no limit is specified or limit is 0");
      } else if (limit.amount().compareTo(ratio.amount().multiply(request.amount())) > 0) {
        BigDecimal observed = limit.amount().divide(request.amount(), 6,
            java.math.RoundingMode.HALF_EVEN);
        errors.add(rule + ", but provided ratio is "
            + String.format(Locale.ROOT, "%f", observed.doubleValue()));
      }
    });
  }
}
