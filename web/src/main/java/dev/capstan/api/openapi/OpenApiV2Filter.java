package dev.capstan.api.openapi;

import jakarta.annotation.Priority;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.util.List;

/**
 * {@code /openapi/v2}: an empty Swagger 2.0 document. The schemas are served as OpenAPI v3
 * ({@link OpenApiResource}), which kubectl uses; kubectl still asks for v2, in gnostic's protobuf
 * encoding, to validate what v3 cannot answer for (a {@code kind: List} file under
 * {@code kubectl apply}), and without an answer it refuses the file. In an empty document it
 * finds no schema for the items and leaves their validation to the server, which checks every
 * field of every object it is sent.
 *
 * <p>kubectl's Accept header is made parseable first ({@link OpenApiV2AcceptHeader}); this
 * pre-matching filter runs after authentication (the servlet filter
 * {@code dev.capstan.api.access.AccessFilter}, which every request passes first).
 */
@Provider
@PreMatching
@Priority(Priorities.USER + 100)
public class OpenApiV2Filter implements ContainerRequestFilter {

  /** gnostic's openapi_v2.Document with only field 1, {@code swagger: "2.0"}. */
  private static final byte[] EMPTY_PROTOBUF_DOCUMENT = {0x0a, 0x03, '2', '.', '0'};
  private static final String EMPTY_JSON_DOCUMENT = "{\"swagger\":\"2.0\",\"info\":"
      + "{\"title\":\"Capstan\",\"version\":\"v1\"},\"paths\":{},\"definitions\":{}}";

  @Override
  public void filter(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath().replaceAll("^/+|/+$", "");
    if (!path.equals("openapi/v2") || !request.getMethod().equals(HttpMethod.GET)) {
      return;
    }
    List<String> accept = request.getHeaders().getOrDefault("Accept", List.of());
    boolean protobuf = accept.stream().anyMatch(value -> value.contains("protobuf"));
    request.abortWith(protobuf
        ? Response.ok(EMPTY_PROTOBUF_DOCUMENT, "application/octet-stream").build()
        : Response.ok(EMPTY_JSON_DOCUMENT, "application/json").build());
  }
}
