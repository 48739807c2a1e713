package dev.capstan.rbac;

import dev.capstan.jsonp.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The default ClusterRoles and ClusterRoleBindings every Kubernetes cluster has (Kubernetes'
 * {@code plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go}), with its rule sets:
 * cluster-admin; the user-facing admin, edit and view, which aggregate the
 * {@code system:aggregate-to-*} roles (and any role labelled like them); the discovery and
 * self-review roles every authenticated user holds; system:node and system:auth-delegator.
 */
public final class BootstrapRoles {

  public static final String AUTOUPDATE = "rbac.authorization.kubernetes.io/autoupdate";
  public static final String BOOTSTRAPPING = "kubernetes.io/bootstrapping";
  public static final String AGGREGATE_TO = "rbac.authorization.k8s.io/aggregate-to-";

  private static final List<String> READ = List.of("get", "list", "watch");
  private static final List<String> WRITE =
      List.of("create", "update", "patch", "delete", "deletecollection");
  private static final List<String> READ_WRITE = List.of("get", "list", "watch", "create",
      "update", "patch", "delete", "deletecollection");
  private static final String CORE = "";
  private static final List<String> DISCOVERY_URLS = List.of("/healthz", "/livez", "/readyz",
      "/version", "/version/");

  private BootstrapRoles() {}

  /** A bootstrap ClusterRole: name, labels, its own rules, and the labels it aggregates. */
  public record Role(String name, Map<String, String> labels, List<PolicyRule> rules,
      String aggregates) {}

  /** A bootstrap ClusterRoleBinding of one ClusterRole to groups. */
  public record RoleBinding(String name, String role, List<String> groups) {}

  public static List<Role> clusterRoles() {
    List<Role> roles = new ArrayList<>();
    roles.add(new Role("cluster-admin", Map.of(), List.of(
        PolicyRule.resources(List.of("*"), List.of("*"), List.of("*")),
        PolicyRule.urls(List.of("*"), List.of("*"))), ""));
    roles.add(new Role("admin", Map.of(), List.of(), "admin"));
    roles.add(new Role("edit", Map.of(AGGREGATE_TO + "admin", "true"), List.of(), "edit"));
    roles.add(new Role("view", Map.of(AGGREGATE_TO + "edit", "true"), List.of(), "view"));
    roles.add(new Role("system:aggregate-to-admin", Map.of(AGGREGATE_TO + "admin", "true"),
        List.of(
            rule(List.of("create"), "authorization.k8s.io", "localsubjectaccessreviews"),
            rule(READ_WRITE, "rbac.authorization.k8s.io", "roles", "rolebindings")), ""));
    roles.add(new Role("system:aggregate-to-edit", Map.of(AGGREGATE_TO + "edit", "true"),
        aggregateToEdit(), ""));
    roles.add(new Role("system:aggregate-to-view", Map.of(AGGREGATE_TO + "view", "true"),
        aggregateToView(), ""));
    // metrics-server's reader, so that view, edit and admin may read the resource metrics
    roles.add(new Role("system:aggregated-metrics-reader", Map.of(
        AGGREGATE_TO + "admin", "true", AGGREGATE_TO + "edit", "true", AGGREGATE_TO + "view",
        "true"), List.of(rule(READ, "metrics.k8s.io", "pods", "nodes")), ""));
    roles.add(new Role("system:basic-user", Map.of(), List.of(
        rule(List.of("create"), "authorization.k8s.io", "selfsubjectaccessreviews",
            "selfsubjectrulesreviews"),
        rule(List.of("create"), "authentication.k8s.io", "selfsubjectreviews")), ""));
    List<String> discovery = new ArrayList<>(List.of("/api", "/api/*", "/apis", "/apis/*",
        "/openapi", "/openapi/*"));
    discovery.addAll(DISCOVERY_URLS);
    roles.add(new Role("system:discovery", Map.of(), List.of(
        PolicyRule.urls(List.of("get"), discovery.stream().sorted().toList())), ""));
    roles.add(new Role("system:public-info-viewer", Map.of(), List.of(
        PolicyRule.urls(List.of("get"), DISCOVERY_URLS)), ""));
    roles.add(new Role("system:monitoring", Map.of(), List.of(
        PolicyRule.urls(List.of("get"), List.of("/healthz", "/healthz/*", "/livez", "/livez/*",
            "/metrics", "/metrics/slis", "/readyz", "/readyz/*"))), ""));
    roles.add(new Role("system:auth-delegator", Map.of(), List.of(
        rule(List.of("create"), "authentication.k8s.io", "tokenreviews"),
        rule(List.of("create"), "authorization.k8s.io", "subjectaccessreviews")), ""));
    roles.add(new Role("system:node", Map.of(), node(), ""));
    return roles;
  }

  public static List<RoleBinding> clusterRoleBindings() {
    return List.of(
        new RoleBinding("cluster-admin", "cluster-admin", List.of("system:masters")),
        new RoleBinding("system:basic-user", "system:basic-user",
            List.of("system:authenticated")),
        new RoleBinding("system:discovery", "system:discovery",
            List.of("system:authenticated")),
        new RoleBinding("system:public-info-viewer", "system:public-info-viewer",
            List.of("system:authenticated", "system:unauthenticated")),
        new RoleBinding("system:monitoring", "system:monitoring", List.of("system:monitoring")),
        // As Kubernetes since 1.8: the binding exists without subjects. Node agents get what
        // they need from the Node authorizer, each for its own node's objects only.
        new RoleBinding("system:node", "system:node", List.of()));
  }

  /** What the node agent (kubelet and kube-proxy in one) asks of the API. */
  private static List<PolicyRule> node() {
    return List.of(
        rule(List.of("create"), "authentication.k8s.io", "tokenreviews"),
        rule(List.of("create"), "authorization.k8s.io", "subjectaccessreviews",
            "localsubjectaccessreviews"),
        rule(READ, CORE, "services"),
        rule(List.of("create", "get", "list", "watch"), CORE, "nodes"),
        rule(List.of("update", "patch"), CORE, "nodes/status"),
        rule(List.of("update", "patch"), CORE, "nodes"),
        rule(List.of("create", "update", "patch"), CORE, "events"),
        rule(READ, CORE, "pods"),
        rule(List.of("create", "delete"), CORE, "pods"),
        rule(List.of("update", "patch"), CORE, "pods/status"),
        rule(List.of("create"), CORE, "pods/eviction"),
        rule(READ, CORE, "secrets", "configmaps"),
        rule(List.of("get"), CORE, "persistentvolumeclaims", "persistentvolumes"),
        rule(List.of("get"), CORE, "endpoints"),
        rule(List.of("create", "get", "list", "watch"), "certificates.k8s.io",
            "certificatesigningrequests"),
        rule(List.of("get", "create", "update", "patch", "delete"), "coordination.k8s.io",
            "leases"),
        rule(List.of("get"), "storage.k8s.io", "volumeattachments"),
        rule(List.of("create"), CORE, "serviceaccounts/token"),
        // the agent's service proxy and DNS (kube-proxy's system:node-proxier)
        rule(READ, CORE, "endpoints"),
        rule(READ, "discovery.k8s.io", "endpointslices"));
  }

  private static List<PolicyRule> aggregateToEdit() {
    return List.of(
        rule(READ, CORE, "pods/attach", "pods/proxy", "pods/exec", "pods/portforward", "secrets",
            "services/proxy"),
        rule(List.of("impersonate"), CORE, "serviceaccounts"),
        rule(WRITE, CORE, "pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward"),
        rule(List.of("create"), CORE, "pods/eviction"),
        rule(WRITE, CORE, "replicationcontrollers", "replicationcontrollers/scale",
            "serviceaccounts", "services", "services/proxy", "persistentvolumeclaims",
            "configmaps", "secrets", "events"),
        rule(List.of("create"), CORE, "serviceaccounts/token"),
        rule(WRITE, "apps", "statefulsets", "statefulsets/scale", "daemonsets", "deployments",
            "deployments/scale", "deployments/rollback", "replicasets", "replicasets/scale"),
        rule(WRITE, "autoscaling", "horizontalpodautoscalers"),
        rule(WRITE, "batch", "jobs", "cronjobs"),
        rule(WRITE, "extensions", "daemonsets", "deployments", "deployments/scale",
            "deployments/rollback", "ingresses", "replicasets", "replicasets/scale",
            "replicationcontrollers/scale", "networkpolicies"),
        rule(WRITE, "policy", "poddisruptionbudgets"),
        rule(WRITE, "networking.k8s.io", "networkpolicies", "ingresses"),
        rule(READ_WRITE, "coordination.k8s.io", "leases"));
  }

  private static List<PolicyRule> aggregateToView() {
    return List.of(
        rule(READ, CORE, "pods", "replicationcontrollers", "replicationcontrollers/scale",
            "serviceaccounts", "services", "services/status", "endpoints",
            "persistentvolumeclaims", "persistentvolumeclaims/status", "configmaps"),
        rule(READ, CORE, "limitranges", "resourcequotas", "bindings", "events", "pods/status",
            "resourcequotas/status", "namespaces/status", "replicationcontrollers/status",
            "pods/log"),
        rule(READ, CORE, "namespaces"),
        rule(READ, "discovery.k8s.io", "endpointslices"),
        rule(READ, "apps", "controllerrevisions", "statefulsets", "statefulsets/status",
            "statefulsets/scale", "daemonsets", "daemonsets/status", "deployments",
            "deployments/status", "deployments/scale", "replicasets", "replicasets/status",
            "replicasets/scale"),
        rule(READ, "autoscaling", "horizontalpodautoscalers", "horizontalpodautoscalers/status"),
        rule(READ, "batch", "jobs", "jobs/status", "cronjobs", "cronjobs/status"),
        rule(READ, "extensions", "daemonsets", "daemonsets/status", "deployments",
            "deployments/scale", "deployments/status", "ingresses", "ingresses/status",
            "replicasets", "replicasets/scale", "replicasets/status",
            "replicationcontrollers/scale", "networkpolicies"),
        rule(READ, "policy", "poddisruptionbudgets", "poddisruptionbudgets/status"),
        rule(READ, "networking.k8s.io", "networkpolicies", "ingresses", "ingresses/status"));
  }

  private static PolicyRule rule(List<String> verbs, String group, String... resources) {
    return PolicyRule.resources(verbs, List.of(group), List.of(resources));
  }

  /** The ClusterRole object of a bootstrap role. */
  public static JsonObject toJson(Role role) {
    JsonObjectBuilder labels = Json.createObjectBuilder().add(BOOTSTRAPPING, "rbac-defaults");
    role.labels().forEach(labels::add);
    JsonArrayBuilder rules = Json.createArrayBuilder();
    role.rules().forEach(rule -> rules.add(rule.toJson()));
    JsonObjectBuilder object = Json.createObjectBuilder()
        .add("apiVersion", "rbac.authorization.k8s.io/v1").add("kind", "ClusterRole")
        .add("metadata", metadata(role.name(), labels))
        .add("rules", rules);
    if (!role.aggregates().isEmpty()) {
      object.add("aggregationRule", Json.createObjectBuilder().add("clusterRoleSelectors",
          Json.createArrayBuilder().add(Json.createObjectBuilder().add("matchLabels",
              Json.createObjectBuilder().add(AGGREGATE_TO + role.aggregates(), "true")))));
    }
    return object.build();
  }

  /** The ClusterRoleBinding object of a bootstrap binding. */
  public static JsonObject toJson(RoleBinding binding) {
    JsonArrayBuilder subjects = Json.createArrayBuilder();
    binding.groups().forEach(group -> subjects.add(Json.createObjectBuilder()
        .add("apiGroup", "rbac.authorization.k8s.io").add("kind", "Group").add("name", group)));
    JsonObjectBuilder object = Json.createObjectBuilder()
        .add("apiVersion", "rbac.authorization.k8s.io/v1").add("kind", "ClusterRoleBinding")
        .add("metadata", metadata(binding.name(),
            Json.createObjectBuilder().add(BOOTSTRAPPING, "rbac-defaults")))
        .add("roleRef", Json.createObjectBuilder().add("apiGroup", "rbac.authorization.k8s.io")
            .add("kind", "ClusterRole").add("name", binding.role()));
    // Kubernetes leaves out an empty subjects list
    return binding.groups().isEmpty() ? object.build() : object.add("subjects", subjects).build();
  }

  private static JsonObjectBuilder metadata(String name, JsonObjectBuilder labels) {
    return Json.createObjectBuilder().add("name", name).add("labels", labels)
        .add("annotations", Json.createObjectBuilder().add(AUTOUPDATE, "true"));
  }
}
