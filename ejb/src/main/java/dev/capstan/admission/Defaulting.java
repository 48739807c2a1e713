package dev.capstan.admission;

import static dev.capstan.json.JsonFields.object;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

/**
 * The defaults Kubernetes fills in on create and update, so clients read back what they would
 * from a Kubernetes API server: a namespace's phase and name label; a pod's (or pod template's)
 * restartPolicy, grace period, DNS policy, scheduler and per-container imagePullPolicy; a
 * service's type, affinity and port protocol/targetPort; replicas of the replicated kinds.
 * Values the client set are never changed.
 */
public final class Defaulting {

  private Defaulting() {}

  public static JsonObject apply(String group, String kind, JsonObject object) {
    String key = group.isEmpty() ? kind : kind + "." + group;
    return switch (key) {
      case "Namespace" -> namespace(object);
      case "Pod" -> with(object, "spec", podSpec(object(object, "spec")));
      case "Service" -> with(object, "spec", serviceSpec(object(object, "spec")));
      case "ReplicationController" -> with(object, "spec",
          selectorFromTemplate(replicated(object(object, "spec"), true)));
      case "ReplicaSet.apps", "Deployment.apps" ->
          with(object, "spec", replicated(object(object, "spec"), true));
      case "DaemonSet.apps", "Job.batch" -> with(object, "spec", replicated(object(object, "spec"), false));
      default -> object;
    };
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
    if (hasReplicas && !spec.containsKey("replicas")) {
      result.add("replicas", 1);
    }
    if (spec.get("template") instanceof JsonObject template) {
      result.add("template", with(template, "spec", podSpec(object(template, "spec"))));
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

  static JsonObject podSpec(JsonObject spec) {
    JsonObjectBuilder result = Json.createObjectBuilder(spec);
    defaultTo(spec, result, "restartPolicy", Json.createValue("Always"));
    defaultTo(spec, result, "terminationGracePeriodSeconds", Json.createValue(30));
    defaultTo(spec, result, "dnsPolicy", Json.createValue("ClusterFirst"));
    defaultTo(spec, result, "schedulerName", Json.createValue("default-scheduler"));
    defaultTo(spec, result, "securityContext", JsonValue.EMPTY_JSON_OBJECT);
    for (String list : new String[] {"containers", "initContainers"}) {
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
    defaultTo(container, result, "resources", JsonValue.EMPTY_JSON_OBJECT);
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

  private static void defaultTo(JsonObject source, JsonObjectBuilder target, String field,
      JsonValue value) {
    if (!source.containsKey(field) || source.get(field) == JsonValue.NULL) {
      target.add(field, value);
    }
  }

  private static JsonObject with(JsonObject object, String field, JsonObject value) {
    return Json.createObjectBuilder(object).add(field, value).build();
  }
}
