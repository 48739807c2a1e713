package dev.capstan.api.openapi;

import dev.capstan.api.status.Statuses;
import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.validation.schema.ModelClasses;
import dev.capstan.validation.schema.OpenApiSchemas;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAPI v3 as kubectl reads it: {@code /openapi/v3} lists one document per group version;
 * each document has, per kind, the object path with a PATCH operation that names the kind
 * ({@code x-kubernetes-group-version-kind}) and takes {@code fieldValidation}, which tells kubectl
 * that the server validates fields itself (kubectl then sends {@code fieldValidation=Strict}
 * instead of validating on the client), and a schema per kind.
 *
 * <p>The schemas are generated from Kubernetes' own types ({@link OpenApiSchemas}): every field
 * with its type, which {@code kubectl explain} walks; field descriptions are not available.
 */
@Path("openapi/v3")
public class OpenApiResource {

  @GET
  public Response root() {
    JsonObjectBuilder paths = Json.createObjectBuilder();
    for (String groupVersion : groupVersions().keySet()) {
      paths.add(groupVersion, Json.createObjectBuilder()
          .add("serverRelativeURL", "/openapi/v3/" + groupVersion + "?hash=" + hash(groupVersion)));
    }
    return json(Json.createObjectBuilder().add("paths", paths).build());
  }

  @GET
  @Path("api/{version}")
  public Response core(@PathParam("version") String version) {
    return document("api/" + version);
  }

  @GET
  @Path("apis/{group}/{version}")
  public Response group(@PathParam("group") String group, @PathParam("version") String version) {
    return document("apis/" + group + "/" + version);
  }

  private static Response document(String groupVersion) {
    List<ResourceType> types = groupVersions().get(groupVersion);
    if (types == null) {
      throw Statuses.notFoundPath();
    }
    JsonObjectBuilder paths = Json.createObjectBuilder();
    List<Class<?>> kinds = new ArrayList<>();
    Map<ResourceType, JsonObject> kindNames = new LinkedHashMap<>();
    for (ResourceType type : types) {
      JsonObject gvk = Json.createObjectBuilder().add("group", type.group())
          .add("version", type.version()).add("kind", type.kind()).build();
      if (!type.readOnly() && !type.createOnly()) {
        paths.add(itemPath(groupVersion, type), Json.createObjectBuilder()
            .add("patch", Json.createObjectBuilder()
                .add("operationId", "patch" + type.kind())
                .add("x-kubernetes-action", "patch")
                .add("x-kubernetes-group-version-kind", gvk)
                .add("parameters", Json.createArrayBuilder().add(Json.createObjectBuilder()
                    .add("name", "fieldValidation").add("in", "query")
                    .add("schema", Json.createObjectBuilder().add("type", "string"))))
                .add("responses", Json.createObjectBuilder().add("200", Json.createObjectBuilder()
                    .add("description", "OK")))));
      }
      ModelClasses.of(type.group(), type.version(), type.kind()).ifPresent(kinds::add);
      kindNames.put(type, gvk);
    }
    // Each kind's schema (and all it references) from Kubernetes' types; the kinds' own carry
    // their group-version-kind so kubectl finds them.
    Map<String, JsonObject> generated = OpenApiSchemas.of(kinds);
    JsonObjectBuilder schemas = Json.createObjectBuilder();
    generated.forEach(schemas::add);
    kindNames.forEach((type, gvk) -> ModelClasses.of(type.group(), type.version(), type.kind()).ifPresent(model -> {
      String name = OpenApiSchemas.nameOf(model);
      schemas.add(name, Json.createObjectBuilder(generated.get(name))
          .add("x-kubernetes-group-version-kind", Json.createArrayBuilder().add(gvk)));
    }));
    return json(Json.createObjectBuilder()
        .add("openapi", "3.0.0")
        .add("info", Json.createObjectBuilder().add("title", "Capstan").add("version", "v1.32.0"))
        .add("paths", paths)
        .add("components", Json.createObjectBuilder().add("schemas", schemas))
        .build());
  }

  private static String itemPath(String groupVersion, ResourceType type) {
    return "/" + groupVersion + (type.namespaced() ? "/namespaces/{namespace}/" : "/")
        + type.plural() + "/{name}";
  }

  private static Map<String, List<ResourceType>> groupVersions() {
    Map<String, List<ResourceType>> byGroupVersion = new LinkedHashMap<>();
    for (ResourceType type : ResourceTypes.served()) {
      String key = type.group().isEmpty() ? "api/" + type.version()
          : "apis/" + type.group() + "/" + type.version();
      byGroupVersion.computeIfAbsent(key, k -> new ArrayList<>()).add(type);
    }
    return byGroupVersion;
  }

  private static String hash(String groupVersion) {
    return Integer.toHexString((groupVersion + ResourceTypes.served().size()).hashCode());
  }

  private static Response json(JsonObject body) {
    return Response.ok(body).type(MediaType.APPLICATION_JSON_TYPE).build();
  }
}
