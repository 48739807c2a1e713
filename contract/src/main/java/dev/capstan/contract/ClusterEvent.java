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
 * harmless. On the wire it is a JMS {@code MapMessage} whose fields are {@link #toFields()}, and
 * the same values are message properties (see {@link Topics}) so subscribers filter with
 * selectors such as {@code kind = 'Pod' AND namespace = 'prod'}.
 *
 * @param type ADDED, MODIFIED or DELETED, as in a Kubernetes watch event
 * @param apiVersion the object's apiVersion, e.g. {@code v1} or {@code apps/v1}
 * @param kind the object's kind, e.g. {@code Namespace}
 * @param namespace the namespace, or the empty string for cluster-scoped objects
 * @param name the object's name
 * @param uid the object's uid
 * @param resourceVersion the cluster revision of this change
 * @param node the node the object is bound to ({@code spec.nodeName} of a pod), or the empty
 *     string; work for that node's agent goes on its own topic ({@link Topics#nodeWork(String)})
 * @param occurrence what a Kubernetes Event object reports; {@link Occurrence#NONE} for any other
 *     kind
 */
public record ClusterEvent(
    String type,
    String apiVersion,
    String kind,
    String namespace,
    String name,
    String uid,
    long resourceVersion,
    String node,
    Occurrence occurrence) {

  /**
   * What an Event object (core/v1 or events.k8s.io/v1) says happened: its type ({@code Normal} or
   * {@code Warning}), reason (e.g. {@code Killing}) and the object it is about.
   */
  public record Occurrence(String eventType, String reason, String regardingKind,
      String regardingName) {

    public static final Occurrence NONE = new Occurrence("", "", "", "");

    public Occurrence {
      Objects.requireNonNull(eventType, "eventType");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(regardingKind, "regardingKind");
      Objects.requireNonNull(regardingName, "regardingName");
    }
  }

  public ClusterEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(apiVersion, "apiVersion");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(occurrence, "occurrence");
  }

  /** A change to anything but an Event object. */
  public ClusterEvent(String type, String apiVersion, String kind, String namespace, String name,
      String uid, long resourceVersion, String node) {
    this(type, apiVersion, kind, namespace, name, uid, resourceVersion, node, Occurrence.NONE);
  }

  /**
   * The message fields, in component order; resourceVersion as a decimal string; the occurrence's
   * fields only for Event objects.
   */
  public Map<String, String> toFields() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put(Topics.TYPE, type);
    fields.put(Topics.API_VERSION, apiVersion);
    fields.put(Topics.KIND, kind);
    fields.put(Topics.NAMESPACE, namespace);
    fields.put(Topics.NAME, name);
    fields.put("uid", uid);
    fields.put("resourceVersion", Long.toString(resourceVersion));
    fields.put(Topics.NODE, node);
    if (!occurrence.equals(Occurrence.NONE)) {
      fields.put(Topics.EVENT_TYPE, occurrence.eventType());
      fields.put(Topics.REASON, occurrence.reason());
      fields.put(Topics.REGARDING_KIND, occurrence.regardingKind());
      fields.put(Topics.REGARDING_NAME, occurrence.regardingName());
    }
    return fields;
  }

  /** Reads an event back from its message fields (e.g. {@code mapMessage::getString}). */
  public static ClusterEvent fromFields(Function<String, String> field) {
    Function<String, String> optional = name -> Objects.requireNonNullElse(field.apply(name), "");
    return new ClusterEvent(
        field.apply(Topics.TYPE),
        field.apply(Topics.API_VERSION),
        field.apply(Topics.KIND),
        field.apply(Topics.NAMESPACE),
        field.apply(Topics.NAME),
        field.apply("uid"),
        Long.parseLong(field.apply("resourceVersion")),
        optional.apply(Topics.NODE),
        new Occurrence(optional.apply(Topics.EVENT_TYPE), optional.apply(Topics.REASON),
            optional.apply(Topics.REGARDING_KIND), optional.apply(Topics.REGARDING_NAME)));
  }
}
