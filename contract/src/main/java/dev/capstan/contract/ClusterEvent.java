package dev.capstan.contract;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * One change to the cluster's state, as published on {@link Topics#CLUSTER_EVENTS}.
 *
 * <p>It names the object and the revision that changed it, nothing more: subscribers that need the
 * object read it from the API at (or after) that revision, so duplicated or lost messages are
 * harmless. On the wire it is a JMS {@code MapMessage} whose fields are this record's components.
 *
 * @param type ADDED, MODIFIED or DELETED, as in a Kubernetes watch event
 * @param apiVersion the object's apiVersion, e.g. {@code v1} or {@code apps/v1}
 * @param kind the object's kind, e.g. {@code Namespace}
 * @param namespace the namespace, or the empty string for cluster-scoped objects
 * @param name the object's name
 * @param uid the object's uid
 * @param resourceVersion the cluster revision of this change
 * @param node the node the object is bound to ({@code spec.nodeName} of a pod), or the empty
 *     string; work for that node's agent goes on {@link Topics#NODE_WORK}
 */
public record ClusterEvent(
    String type,
    String apiVersion,
    String kind,
    String namespace,
    String name,
    String uid,
    long resourceVersion,
    String node) {

  public ClusterEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(apiVersion, "apiVersion");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(node, "node");
  }

  /** The message fields, in component order; resourceVersion as a decimal string. */
  public Map<String, String> toFields() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("type", type);
    fields.put("apiVersion", apiVersion);
    fields.put("kind", kind);
    fields.put("namespace", namespace);
    fields.put("name", name);
    fields.put("uid", uid);
    fields.put("resourceVersion", Long.toString(resourceVersion));
    fields.put("node", node);
    return fields;
  }

  /** Reads an event back from its message fields (e.g. {@code mapMessage::getString}). */
  public static ClusterEvent fromFields(Function<String, String> field) {
    return new ClusterEvent(
        field.apply("type"),
        field.apply("apiVersion"),
        field.apply("kind"),
        field.apply("namespace"),
        field.apply("name"),
        field.apply("uid"),
        Long.parseLong(field.apply("resourceVersion")),
        Objects.requireNonNullElse(field.apply("node"), ""));
  }
}
