package dev.capstan.api.objects;

import dev.capstan.api.discovery.DiscoveryDocuments;
import dev.capstan.api.options.MetaOptions;
import dev.capstan.api.status.Statuses;
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
import java.util.List;

/**
 * One request to an object URL: the HTTP verb decides which step of the handler runs, once the
 * verb's options in the query are valid ({@link MetaOptions}). A write and its answer are one
 * transaction ({@link WriteTransaction}).
 */
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
    requireServedSubresource("get");
    if (target.isCollection()) {
      MetaOptions.checkList(uri.getQueryParameters(), false);
    }
    return target.isCollection()
        ? endpoint.list(target, RequestOptions.of(uri, headers))
        : endpoint.get(target, RequestOptions.of(uri, headers));
  }

  @POST
  @Consumes(MediaType.WILDCARD)
  public Response post(@Context UriInfo uri, @Context HttpHeaders headers, byte[] body) {
    requireServedSubresource("create");
    MetaOptions.checkCreate(uri.getQueryParameters());
    RequestOptions options = RequestOptions.of(uri, headers);
    return endpoint.committed(options, () -> endpoint.create(target, options, body));
  }

  @PUT
  @Consumes(MediaType.WILDCARD)
  public Response put(@Context UriInfo uri, @Context HttpHeaders headers, byte[] body) {
    refuseUnlessCreate("PUT");
    requireServedSubresource("update");
    MetaOptions.checkUpdate(uri.getQueryParameters());
    RequestOptions options = RequestOptions.of(uri, headers);
    return endpoint.committed(options, () -> endpoint.replace(target, options, body));
  }

  @PATCH
  @Consumes(MediaType.WILDCARD)
  public Response patch(@Context UriInfo uri, @Context HttpHeaders headers, byte[] body) {
    refuseUnlessCreate("PATCH");
    requireServedSubresource("patch");
    MetaOptions.checkPatch(uri.getQueryParameters());
    RequestOptions options = RequestOptions.of(uri, headers);
    return endpoint.committed(options, () -> endpoint.patch(target, options, body));
  }

  @DELETE
  @Consumes(MediaType.WILDCARD)
  public Response delete(@Context UriInfo uri, @Context HttpHeaders headers, byte[] body) {
    refuseUnlessCreate("DELETE");
    requireServedSubresource("delete");
    if (target.isCollection()) {
      MetaOptions.checkList(uri.getQueryParameters(), false);
    }
    MetaOptions.checkDelete(uri.getQueryParameters());
    RequestOptions options = RequestOptions.of(uri, headers);
    // a collection is deleted object by object, each in its own transaction, as Kubernetes does
    return target.isCollection()
        ? endpoint.deleteCollection(target, options, body)
        : endpoint.committed(options, () -> endpoint.delete(target, options, body));
  }

  /**
   * A subresource the kind does not have is a 404 and one that does not answer the verb a 405,
   * before the body is read, as kube-apiserver's router answers: the table is discovery's
   * ({@link DiscoveryDocuments#subresourceVerbs}), plus Capstan's own read-only {@code history}.
   */
  private void requireServedSubresource(String verb) {
    if (target.subresource().isEmpty()) {
      return;
    }
    String subresource = target.subresource().get();
    List<String> verbs = subresource.equals("history") ? List.of("get")
        : DiscoveryDocuments.subresourceVerbs(target.type(), subresource);
    if (verbs.isEmpty()) {
      throw Statuses.notFoundPath();
    }
    if (!verbs.contains(verb)) {
      throw Statuses.methodNotAllowed(verb);
    }
  }

  /** Access reviews are only ever created (405 for anything else, as Kubernetes answers). */
  private void refuseUnlessCreate(String method) {
    if (target.type().createOnly()) {
      throw Statuses.methodNotAllowed(method);
    }
  }
}
