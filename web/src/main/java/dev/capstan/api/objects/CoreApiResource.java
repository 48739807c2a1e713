package dev.capstan.api.objects;

import dev.capstan.api.discovery.DiscoveryDocuments;
import dev.capstan.api.proxy.ProxyRequest;
import dev.capstan.store.ObjectStore;
import jakarta.inject.Inject;
import jakarta.ws.rs.Encoded;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** {@code /api}: the core group's discovery documents and every core object URL (watches: {@link WatchRequest}). */
@Path("api")
public class CoreApiResource {

  @Inject
  private ObjectEndpoint endpoint;

  @Inject
  private ObjectStore store;

  @Inject
  private Watchers watchers;

  @GET
  public Response versions(@Context UriInfo uri) {
    URI base = uri.getBaseUri();
    int port = base.getPort() >= 0 ? base.getPort()
        : "https".equalsIgnoreCase(base.getScheme()) ? 443 : 80;
    return DiscoveryDocuments.coreVersions(base.getHost() + ":" + port);
  }

  @GET
  @Path("{version}")
  public Response resources(@PathParam("version") String version) {
    return DiscoveryDocuments.resources("", version);
  }

  /** An object URL, or the proxy subresource of a service or pod. */
  @Path("{version}/{path: .+}")
  public Object object(@PathParam("version") String version,
      @Encoded @PathParam("path") String rawPath, @QueryParam("watch") String watch) {
    List<String> segments = Target.segments(rawPath).stream()
        .map(segment -> URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8))
        .toList();
    if (version.equals("v1") && ProxyRequest.matches(segments)) {
      // what follows ".../proxy", still encoded, trailing slash kept
      String[] parts = rawPath.split("/", 6);
      String rest = parts.length == 6 ? "/" + parts[5] : rawPath.endsWith("/") ? "/" : "";
      return new ProxyRequest(store, segments.get(2), segments.get(1), segments.get(3), rest);
    }
    Target target = Target.parse("", version, segments);
    return Watchers.isWatch(target, watch)
        ? new WatchRequest(watchers, target) : new ObjectRequest(endpoint, target);
  }
}
