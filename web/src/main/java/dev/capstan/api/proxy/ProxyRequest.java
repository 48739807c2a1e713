package dev.capstan.api.proxy;

import dev.capstan.api.status.Statuses;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.entity.StoredObject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code services/{[scheme:]name[:port]}/proxy/...} and {@code pods/{...}/proxy/...}
 * subresources, which {@code kubectl proxy} and the URLs {@code kubectl cluster-info} prints
 * lead to: the request is sent on to one pod's address (a ready endpoint of the service, or the
 * pod), with its method, body and content headers but not the caller's credentials, and the answer
 * comes back as it is. The control plane must reach pod IPs, as kube-apiserver must.
 */
public final class ProxyRequest {

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
  private static final List<String> FORWARDED_REQUEST_HEADERS =
      List.of("Accept", "Accept-Language", "Content-Type", "User-Agent", "If-None-Match",
          "If-Modified-Since", "Cookie");
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive",
      "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding",
      "upgrade", "content-length", "host");

  private final ObjectStore store;
  private final String kind;
  private final String namespace;
  private final ProxyTarget.Spec spec;
  private final String path;

  /**
   * @param kind {@code services} or {@code pods}
   * @param path what follows {@code /proxy}, starting with {@code /} (or empty)
   */
  public ProxyRequest(ObjectStore store, String kind, String namespace, String name,
      String path) {
    this.store = store;
    this.kind = kind;
    this.namespace = namespace;
    this.spec = ProxyTarget.Spec.parse(name);
    this.path = path;
  }

  /** Whether these path segments after {@code /api/v1/} name a proxy subresource. */
  public static boolean matches(List<String> segments) {
    return segments.size() >= 5 && segments.get(0).equals("namespaces")
        && (segments.get(2).equals("services") || segments.get(2).equals("pods"))
        && segments.get(4).equals("proxy");
  }

  @GET
  public Response get(@Context UriInfo uri, @Context HttpHeaders headers) {
    return forward("GET", uri, headers, new byte[0]);
  }

  @HEAD
  public Response head(@Context UriInfo uri, @Context HttpHeaders headers) {
    return forward("HEAD", uri, headers, new byte[0]);
  }

  @OPTIONS
  public Response options(@Context UriInfo uri, @Context HttpHeaders headers) {
    return forward("OPTIONS", uri, headers, new byte[0]);
  }

  @POST
  @Consumes(MediaType.WILDCARD)
  public Response post(@Context UriInfo uri, @Context HttpHeaders headers, byte[] body) {
    return forward("POST", uri, headers, body);
  }

  @PUT
  @Consumes(MediaType.WILDCARD)
  public Response put(@Context UriInfo uri, @Context HttpHeaders headers, byte[] body) {
    return forward("PUT", uri, headers, body);
  }

  @PATCH
  @Consumes(MediaType.WILDCARD)
  public Response patch(@Context UriInfo uri, @Context HttpHeaders headers, byte[] body) {
    return forward("PATCH", uri, headers, body);
  }

  @DELETE
  @Consumes(MediaType.WILDCARD)
  public Response delete(@Context UriInfo uri, @Context HttpHeaders headers, byte[] body) {
    return forward("DELETE", uri, headers, body);
  }

  private Response forward(String method, UriInfo uri, HttpHeaders headers, byte[] body) {
    ProxyTarget target = resolve();
    String query = uri.getRequestUri().getRawQuery();
    URI destination = URI.create(target.scheme() + "://" + target.host() + ":" + target.port()
        + (path.isEmpty() ? "/" : path) + (query == null ? "" : "?" + query));
    HttpRequest.Builder request = HttpRequest.newBuilder(destination)
        .timeout(Duration.ofSeconds(30))
        .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    for (String header : FORWARDED_REQUEST_HEADERS) {
      List<String> values = headers.getRequestHeader(header);
      if (values != null) {
        values.forEach(value -> request.header(header, value));
      }
    }
    HttpResponse<byte[]> response;
    try {
      response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw Statuses.serviceUnavailable("the proxied " + kind + " did not answer within 30 s");
    } catch (IOException e) {
      throw Statuses.serviceUnavailable("error trying to reach " + singular() + " "
          + spec.name() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Statuses.serviceUnavailable("interrupted");
    }
    Response.ResponseBuilder answer = Response.status(response.statusCode())
        .entity(response.body());
    response.headers().map().forEach((header, values) -> {
      if (!HOP_BY_HOP.contains(header.toLowerCase(java.util.Locale.ROOT))
          && !header.startsWith(":")) {
        values.forEach(value -> answer.header(header, value));
      }
    });
    return answer.build();
  }

  private ProxyTarget resolve() {
    if (kind.equals("pods")) {
      JsonObject pod = find(ResourceTypes.POD.key(namespace, spec.name()), "pods");
      return ProxyTarget.ofPod(pod, spec);
    }
    JsonObject service = find(ResourceTypes.SERVICE.key(namespace, spec.name()), "services");
    Optional<JsonObject> endpoints = store.get(ResourceTypes.ENDPOINTS.key(namespace,
        spec.name())).map(StoredObject::json);
    return ProxyTarget.ofService(service, endpoints, spec);
  }

  private JsonObject find(dev.capstan.store.entity.ObjectKey key, String resource) {
    return store.get(key).map(StoredObject::json)
        .orElseThrow(() -> Statuses.notFound(resource, spec.name()));
  }

  private String singular() {
    return kind.equals("pods") ? "pod" : "service";
  }
}
