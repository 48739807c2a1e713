package dev.capstan.api.access.node;

import dev.capstan.api.access.RequestInfo;
import java.util.List;
import java.util.Set;

/**
 * What every node may do beyond the objects its pods reference (Kubernetes' {@code NodeRules()}
 * of the bootstrap policy, with the rules of {@code system:node-proxier} for the agent's service
 * proxy and cluster DNS): read pods, services, endpoints and nodes; register and report its Node;
 * create and delete mirror pods, report pod status, evict; write events and leases. Which Node,
 * pods and leases is NodeRestriction's business (admission), as in Kubernetes.
 */
final class NodeRules {

  /** One rule: these verbs on these resources ({@code pods/status} names a subresource). */
  record Rule(String group, Set<String> resources, Set<String> verbs) {
    boolean allows(RequestInfo request) {
      return group.equals(request.apiGroup())
          && resources.contains(request.resourceWithSubresource())
          && verbs.contains(request.verb());
    }
  }

  private static final Set<String> READ = Set.of("get", "list", "watch");

  static final List<Rule> RULES = List.of(
      new Rule("", Set.of("services", "endpoints", "pods", "nodes"), READ),
      new Rule("discovery.k8s.io", Set.of("endpointslices"), READ),
      new Rule("", Set.of("nodes"), Set.of("create", "update", "patch")),
      new Rule("", Set.of("nodes/status"), Set.of("get", "update", "patch")),
      new Rule("", Set.of("events"), Set.of("create", "update", "patch")),
      new Rule("events.k8s.io", Set.of("events"), Set.of("create", "update", "patch")),
      new Rule("", Set.of("pods"), Set.of("create", "delete")),
      new Rule("", Set.of("pods/status"), Set.of("get", "update", "patch")),
      new Rule("", Set.of("pods/eviction"), Set.of("create")),
      new Rule("coordination.k8s.io", Set.of("leases"),
          Set.of("get", "create", "update", "patch", "delete")),
      new Rule("authentication.k8s.io", Set.of("tokenreviews"), Set.of("create")),
      new Rule("authorization.k8s.io",
          Set.of("subjectaccessreviews", "localsubjectaccessreviews"), Set.of("create")));

  private NodeRules() {}

  static boolean allow(RequestInfo request) {
    return RULES.stream().anyMatch(rule -> rule.allows(request));
  }
}
