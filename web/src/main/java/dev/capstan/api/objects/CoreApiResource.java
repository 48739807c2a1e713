package dev.capstan.api.objects;

import dev.capstan.api.discovery.DiscoveryDocuments;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

/** {@code /api}: the core group's discovery documents and every core object URL. */
@Path("api")
public class CoreApiResource {

  @Inject
  private ObjectEndpoint endpoint;

  @GET
  public Response versions() {
    return DiscoveryDocuments.coreVersions();
  }

  @GET
  @Path("{version}")
  public Response resources(@PathParam("version") String version) {
    return DiscoveryDocuments.resources("", version);
  }

  @Path("{version}/{path: .+}")
  public ObjectRequest object(@PathParam("version") String version, @PathParam("path") String path) {
    return new ObjectRequest(endpoint, Target.parse("", version, Target.segments(path)));
  }
}
