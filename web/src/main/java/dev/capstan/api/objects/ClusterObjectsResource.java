package dev.capstan.api.objects;

import dev.capstan.api.status.Statuses;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.AlreadyExistsException;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.entity.StoredObject;
import dev.capstan.store.schema.SchemaMigration;
import dev.capstan.validation.FieldError;
import dev.capstan.validation.ObjectValidation;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.util.List;

/**
 * The generic handler for cluster-scoped kinds of the core group:
 * route → kind registry → decode → validate → store → respond.
 * Every kind in {@link ResourceTypes} is served by this one class.
 */
@Path("api/{version}/{resource}")
@Produces(MediaType.APPLICATION_JSON)
public class ClusterObjectsResource {

  @Inject
  private ObjectStore store;

  @Inject
  private SchemaMigration schema;

  @POST
  @Consumes(MediaType.WILDCARD)
  public Response create(@PathParam("version") String version,
      @PathParam("resource") String resource,
      @HeaderParam(HttpHeaders.CONTENT_TYPE) MediaType contentType, String body) {
    ResourceType type = clusterScoped(version, resource);
    JsonObject object = JsonBodies.decode(contentType, body);
    String name = ObjectValidation.nameOf(object);
    List<FieldError> errors = ObjectValidation.validateCreate(type, object);
    if (!errors.isEmpty()) {
      throw Statuses.invalid(type.kind(), name, errors);
    }
    requireStore();
    try {
      StoredObject stored = store.create(type.key("", name), type.apiVersion(), object);
      return Response.status(Response.Status.CREATED).entity(parse(stored.body())).build();
    } catch (AlreadyExistsException e) {
      throw Statuses.alreadyExists(type.plural(), name);
    }
  }

  @GET
  @Path("{name}")
  public JsonObject get(@PathParam("version") String version,
      @PathParam("resource") String resource, @PathParam("name") String name) {
    ResourceType type = clusterScoped(version, resource);
    requireStore();
    return store.get(type.key("", name))
        .map(stored -> parse(stored.body()))
        .orElseThrow(() -> Statuses.notFound(type.plural(), name));
  }

  private static ResourceType clusterScoped(String version, String resource) {
    return ResourceTypes.find("", version, resource)
        .filter(type -> !type.namespaced())
        .orElseThrow(() -> Statuses.notFound(resource, ""));
  }

  private void requireStore() {
    schema.problem().ifPresent(problem -> {
      throw Statuses.serviceUnavailable("the cluster state store is not ready: " + problem);
    });
  }

  private static JsonObject parse(String json) {
    try (JsonReader reader = Json.createReader(new StringReader(json))) {
      return reader.readObject();
    }
  }
}
