package dev.capstan.api.objects;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/** One request to an object URL: the HTTP verb decides which step of the handler runs. */
public class ObjectRequest {

  private final ObjectEndpoint endpoint;
  private final Target target;

  ObjectRequest(ObjectEndpoint endpoint, Target target) {
    this.endpoint = endpoint;
    this.target = target;
  }

  @GET
  public Response get(@Context UriInfo uri, @Context HttpHeaders headers) {
    refuseUnlessCreate("GET");
    return target.isCollection()
        ? endpoint.list(target, RequestOptions.of(uri, headers))
        : endpoint.get(target, RequestOptions.of(uri, headers));
  }

  @POST
  @Consumes(MediaType.WILDCARD)
  public Response post(@Context UriInfo uri, @Context HttpHeaders headers, byte[] body) {
    return endpoint.create(target, RequestOptions.of(uri, headers), body);
  }

  @PUT
  @Consumes(MediaType.WILDCARD)
  public Response put(@Context UriInfo uri, @Context HttpHeaders headers, byte[] body) {
    refuseUnlessCreate("PUT");
    return endpoint.replace(target, RequestOptions.of(uri, headers), body);
  }

  @PATCH
  @Consumes(MediaType.WILDCARD)
  public Response patch(@Context UriInfo uri, @Context HttpHeaders headers, byte[] body) {
    refuseUnlessCreate("PATCH");
    return endpoint.patch(target, RequestOptions.of(uri, headers), body);
  }

  @DELETE
  @Consumes(MediaType.WILDCARD)
  public Response delete(@Context UriInfo uri, @Context HttpHeaders headers, byte[] body) {
    refuseUnlessCreate("DELETE");
    return target.isCollection()
        ? endpoint.deleteCollection(target, RequestOptions.of(uri, headers), body)
        : endpoint.delete(target, RequestOptions.of(uri, headers), body);
  }

  /** Access reviews are only ever created (405 for anything else, as Kubernetes answers). */
  private void refuseUnlessCreate(String method) {
    if (target.type().createOnly()) {
      throw dev.capstan.api.status.Statuses.methodNotAllowed(method);
    }
  }
}
