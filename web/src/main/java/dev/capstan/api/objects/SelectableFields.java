package dev.capstan.api.objects;

import dev.capstan.kinds.ResourceType;
import java.util.Map;
import java.util.Set;

/** The field selectors each kind supports, as kube-apiserver's field label conversions allow. */
final class SelectableFields {

  private static final Set<String> METADATA = Set.of("metadata.name", "metadata.namespace");

  private static final Map<String, Set<String>> BY_KIND = Map.of(
      "Pod", Set.of("metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy",
          "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase",
          "status.podIP", "status.nominatedNodeName"),
      "Event", Set.of("metadata.name", "metadata.namespace", "involvedObject.kind",
          "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
          "involvedObject.apiVersion", "involvedObject.resourceVersion",
          "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"),
      "Node", Set.of("metadata.name", "spec.unschedulable"),
      "Namespace", Set.of("metadata.name", "status.phase"),
      "Secret", Set.of("metadata.name", "metadata.namespace", "type"),
      "ReplicationController", Set.of("metadata.name", "metadata.namespace", "status.replicas"),
      "ReplicaSet", Set.of("metadata.name", "metadata.namespace", "status.replicas"),
      "Job", Set.of("metadata.name", "metadata.namespace", "status.successful"));

  private SelectableFields() {}

  static Set<String> of(ResourceType type) {
    if (type.group().equals("events.k8s.io")) {
      return METADATA;
    }
    return BY_KIND.getOrDefault(type.kind(), METADATA);
  }
}
