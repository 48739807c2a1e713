package dev.capstan.api.discovery;

import dev.capstan.api.status.Statuses;
import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * API discovery documents, the legacy (unaggregated) form: {@code /api}, {@code /api/v1},
 * {@code /apis}, {@code /apis/<group>} and {@code /apis/<group>/<version>}, all built from the
 * kind registry.
 *
 * <p>kubectl first asks for the aggregated form ({@code as=APIGroupDiscoveryList}) with plain
 * JSON as its fallback; answering every request with plain {@code application/json} (never 406)
 * makes it use these documents.
 */
public final class DiscoveryDocuments {

  /**
   * How Kubernetes describes each subresource this server serves, by its name after the slash:
   * the kind its requests and answers carry (with group and version when not the parent's) and
   * its verbs. A subresource a kind declares in the registry is listed only when it is here, so
   * discovery never promises what is not served (e.g. {@code namespaces/finalize}).
   */
  private static final Map<String, Subresource> SERVED = Map.ofEntries(
      Map.entry("status", new Subresource("", "", "", List.of("get", "patch", "update"))),
      Map.entry("scale", new Subresource("autoscaling", "v1", "Scale",
          List.of("get", "patch", "update"))),
      // kubectl drain evicts only when discovery names the Eviction's group and version
      Map.entry("eviction", new Subresource("policy", "v1", "Eviction", List.of("create"))),
      Map.entry("token", new Subresource("authentication.k8s.io", "v1", "TokenRequest",
          List.of("create"))),
      Map.entry("binding", new Subresource("", "", "Binding", List.of("create"))),
      Map.entry("log", new Subresource("", "", "", List.of("get"))),
      Map.entry("exec", new Subresource("", "", "PodExecOptions", List.of("create", "get"))),
      Map.entry("attach", new Subresource("", "", "PodAttachOptions", List.of("create", "get"))),
      Map.entry("portforward", new Subresource("", "", "PodPortForwardOptions",
          List.of("create", "get"))),
      Map.entry("ephemeralcontainers", new Subresource("", "", "",
          List.of("get", "patch", "update"))),
      Map.entry("proxy", new Subresource("", "", "",
          List.of("create", "delete", "get", "patch", "update"))));

  /**
   * One subresource's discovery entry; an empty kind means the parent's kind, except for
   * {@code proxy}, whose kind is {@code <Kind>ProxyOptions}.
   */
  private record Subresource(String group, String version, String kind, List<String> verbs) {}

  /**
   * Resources served apart from the store, each by a resource class of its own: Kubernetes'
   * reviews, only ever created and answered (the one verb {@code create}), and the resource
   * metrics API ({@code metrics.k8s.io}, read from the node agents), listed as metrics-server
   * lists them behind kube-apiserver (no singular name, {@code get} and {@code list}).
   */
  private static final List<Apart> APART = List.of(
      new Apart("authentication.k8s.io", "v1", "tokenreviews", "tokenreview", "TokenReview",
          false, List.of("create")),
      new Apart("metrics.k8s.io", "v1beta1", "nodes", "", "NodeMetrics", false,
          List.of("get", "list")),
      new Apart("metrics.k8s.io", "v1beta1", "pods", "", "PodMetrics", true,
          List.of("get", "list")));

  private record Apart(String group, String version, String plural, String singular,
      String kind, boolean namespaced, List<String> verbs) {}

  private DiscoveryDocuments() {}

  /** The named groups and their versions: the stored kinds' and those served apart. */
  private static Map<String, Set<String>> allGroups() {
    Map<String, Set<String>> groups = new java.util.LinkedHashMap<>();
    ResourceTypes.groups().forEach((group, versions) ->
        groups.put(group, new java.util.LinkedHashSet<>(versions)));
    for (Apart apart : APART) {
      groups.computeIfAbsent(apart.group(), g -> new java.util.LinkedHashSet<>())
          .add(apart.version());
    }
    return groups;
  }

  /**
   * {@code /api}. Like kube-apiserver, it names one address for clients of every network
   * ({@code 0.0.0.0/0}): here the host and port the client reached this server at.
   *
   * @param serverAddress {@code host:port} of this request
   */
  public static Response coreVersions(String serverAddress) {
    return json(versions(serverAddress));
  }

  static JsonObject versions(String serverAddress) {
    return Json.createObjectBuilder()
        .add("kind", "APIVersions")
        .add("versions", Json.createArrayBuilder().add("v1"))
        .add("serverAddressByClientCIDRs", Json.createArrayBuilder()
            .add(Json.createObjectBuilder().add("clientCIDR", "0.0.0.0/0")
                .add("serverAddress", serverAddress)))
        .build();
  }

  public static Response groups() {
    JsonArrayBuilder groups = Json.createArrayBuilder();
    for (Map.Entry<String, Set<String>> group : allGroups().entrySet()) {
      groups.add(group(group.getKey(), group.getValue()));
    }
    return json(Json.createObjectBuilder()
        .add("kind", "APIGroupList")
        .add("apiVersion", "v1")
        .add("groups", groups)
        .build());
  }

  public static Response group(String group) {
    Set<String> versions = allGroups().get(group);
    if (versions == null) {
      throw Statuses.notFoundPath();
    }
    return json(Json.createObjectBuilder(group(group, versions))
        .add("kind", "APIGroup").add("apiVersion", "v1").build());
  }

  private static JsonObject group(String name, Set<String> versions) {
    JsonArrayBuilder groupVersions = Json.createArrayBuilder();
    versions.forEach(version -> groupVersions.add(groupVersion(name, version)));
    return Json.createObjectBuilder()
        .add("name", name)
        .add("versions", groupVersions)
        .add("preferredVersion", groupVersion(name, versions.iterator().next()))
        .build();
  }

  private static JsonObjectBuilder groupVersion(String group, String version) {
    return Json.createObjectBuilder().add("groupVersion", group + "/" + version).add("version", version);
  }

  public static Response resources(String group, String version) {
    return json(resourceList(group, version));
  }

  static JsonObject resourceList(String group, String version) {
    List<ResourceType> types = ResourceTypes.ofGroupVersion(group, version);
    List<Apart> apart = APART.stream()
        .filter(resource -> resource.group().equals(group) && resource.version().equals(version))
        .toList();
    if (types.isEmpty() && apart.isEmpty()) {
      throw Statuses.notFoundPath();
    }
    JsonArrayBuilder resources = Json.createArrayBuilder();
    for (ResourceType type : types) {
      JsonObjectBuilder resource = Json.createObjectBuilder()
          .add("name", type.plural())
          .add("singularName", type.singular())
          .add("namespaced", type.namespaced())
          .add("kind", type.kind())
          .add("verbs", Json.createArrayBuilder(type.verbs()));
      if (!type.shortNames().isEmpty()) {
        resource.add("shortNames", Json.createArrayBuilder(type.shortNames()));
      }
      if (!type.categories().isEmpty()) {
        resource.add("categories", Json.createArrayBuilder(type.categories()));
      }
      resources.add(resource);
      type.subresources().stream().filter(SERVED::containsKey).sorted()
          .forEach(sub -> resources.add(subresource(type, sub)));
    }
    for (Apart resource : apart) {
      resources.add(Json.createObjectBuilder().add("name", resource.plural())
          .add("singularName", resource.singular())
          .add("namespaced", resource.namespaced()).add("kind", resource.kind())
          .add("verbs", Json.createArrayBuilder(resource.verbs())));
    }
    return Json.createObjectBuilder()
        .add("kind", "APIResourceList")
        .add("apiVersion", "v1")
        .add("groupVersion", group.isEmpty() ? version : group + "/" + version)
        .add("resources", resources)
        .build();
  }

  /**
   * The verbs ({@code get}, {@code create}, {@code update}, {@code patch}, {@code delete}) a
   * kind's subresource answers, as discovery lists them; none when the kind has no such
   * subresource served here. Requests are routed by this same table, so a URL discovery does not
   * list is a 404 and a verb it does not list a 405, as kube-apiserver's router answers.
   */
  public static List<String> subresourceVerbs(ResourceType type, String name) {
    Subresource sub = SERVED.get(name);
    return sub != null && type.subresources().contains(name) ? sub.verbs() : List.of();
  }

  private static JsonObjectBuilder subresource(ResourceType type, String name) {
    Subresource sub = SERVED.get(name);
    JsonObjectBuilder resource = Json.createObjectBuilder()
        .add("name", type.plural() + "/" + name)
        .add("singularName", "")
        .add("namespaced", type.namespaced());
    if (!sub.group().isEmpty()) {
      resource.add("group", sub.group()).add("version", sub.version());
    }
    String kind = !sub.kind().isEmpty() ? sub.kind()
        : name.equals("proxy") ? type.kind() + "ProxyOptions" : type.kind();
    return resource.add("kind", kind).add("verbs", Json.createArrayBuilder(sub.verbs()));
  }

  private static Response json(JsonObject body) {
    return Response.ok(body).type(MediaType.APPLICATION_JSON_TYPE).build();
  }
}
