package dev.capstan.api.discovery;

import dev.capstan.api.status.Statuses;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import jakarta.json.Json;
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

  /** Subresources this server serves today; discovery must not promise more. */
  private static final Set<String> SERVED_SUBRESOURCES = Set.of("status", "scale", "eviction");

  private DiscoveryDocuments() {}

  public static Response coreVersions() {
    return json(Json.createObjectBuilder()
        .add("kind", "APIVersions")
        .add("versions", Json.createArrayBuilder().add("v1"))
        .add("serverAddressByClientCIDRs", Json.createArrayBuilder())
        .build());
  }

  public static Response groups() {
    JsonArrayBuilder groups = Json.createArrayBuilder();
    for (Map.Entry<String, Set<String>> group : ResourceTypes.groups().entrySet()) {
      groups.add(group(group.getKey(), group.getValue()));
    }
    return json(Json.createObjectBuilder()
        .add("kind", "APIGroupList")
        .add("apiVersion", "v1")
        .add("groups", groups)
        .build());
  }

  public static Response group(String group) {
    Set<String> versions = ResourceTypes.groups().get(group);
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
    List<ResourceType> types = ResourceTypes.ofGroupVersion(group, version);
    if (types.isEmpty()) {
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
      type.subresources().stream().filter(SERVED_SUBRESOURCES::contains).sorted()
          .forEach(sub -> resources.add(subresource(type, sub)));
    }
    return json(Json.createObjectBuilder()
        .add("kind", "APIResourceList")
        .add("apiVersion", "v1")
        .add("groupVersion", group.isEmpty() ? version : group + "/" + version)
        .add("resources", resources)
        .build());
  }

  private static JsonObjectBuilder subresource(ResourceType type, String sub) {
    JsonObjectBuilder resource = Json.createObjectBuilder()
        .add("name", type.plural() + "/" + sub)
        .add("singularName", "")
        .add("namespaced", type.namespaced())
        .add("verbs", Json.createArrayBuilder(sub.equals("eviction") ? List.of("create")
            : List.of("get", "patch", "update")));
    if (sub.equals("eviction")) {
      // kubectl drain evicts only when discovery names the Eviction's group and version
      resource.add("group", "policy").add("version", "v1").add("kind", "Eviction");
    } else if (sub.equals("scale")) {
      resource.add("group", "autoscaling").add("version", "v1").add("kind", "Scale");
    } else {
      resource.add("kind", type.kind());
    }
    return resource;
  }

  private static Response json(JsonObject body) {
    return Response.ok(body).type(MediaType.APPLICATION_JSON_TYPE).build();
  }
}
