package dev.capstan.api.objects;

import dev.capstan.api.discovery.DiscoveryDocuments;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

/** {@code /apis}: the named groups' discovery documents and every object URL in them. */
@Path("apis")
public class GroupApiResource {

  @Inject
  private ObjectEndpoint endpoint;

  @Inject
  private Watchers watchers;

  @GET
  public Response groups() {
    return DiscoveryDocuments.groups();
  }

  @GET
  @Path("{group}")
  public Response group(@PathParam("group") String group) {
    return DiscoveryDocuments.group(group);
  }

  @GET
  @Path("{group}/{version}")
  public Response resources(@PathParam("group") String group, @PathParam("version") String version) {
    return DiscoveryDocuments.resources(group, version);
  }

  @Path("{group}/{version}/{path: .+}")
  public Object object(@PathParam("group") String group,
      @PathParam("version") String version, @PathParam("path") String path,
      @QueryParam("watch") String watch) {
    Target target = Target.parse(group, version, Target.segments(path));
    return Watchers.isWatch(target, watch)
        ? new WatchRequest(watchers, target) : new ObjectRequest(endpoint, target);
  }
}
