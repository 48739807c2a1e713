package dev.capstan.api.health;

import dev.capstan.health.HealthCheck;
import dev.capstan.health.HealthChecks;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * {@code /healthz}, {@code /livez} and {@code /readyz}, answered as kube-apiserver answers them:
 * 200 {@code ok} when every check passes; otherwise 503 listing each check, the failing ones as
 * {@code [-]database failed: <reason>}. {@code ?verbose} lists the checks even when all pass.
 *
 * <p>Liveness asks only whether this server process can serve: a database outage must not make
 * an orchestrator restart every control-plane server. Health and readiness include the database
 * and the message broker.
 */
@Path("{endpoint: healthz|readyz|livez}")
@Produces(MediaType.TEXT_PLAIN)
public class HealthResource {

  @Inject
  private HealthChecks checks;

  @GET
  public Response check(@PathParam("endpoint") String endpoint,
      @QueryParam("verbose") String verbose) {
    List<HealthCheck> results = endpoint.equals("livez")
        ? List.of(HealthCheck.ok("ping"))
        : checks.all();
    return report(endpoint, results, verbose != null);
  }

  static Response report(String endpoint, List<HealthCheck> results, boolean verbose) {
    boolean healthy = results.stream().allMatch(HealthCheck::healthy);
    if (healthy && !verbose) {
      return Response.ok("ok").build();
    }
    StringBuilder body = new StringBuilder();
    for (HealthCheck check : results) {
      body.append(check.healthy()
          ? "[+]" + check.name() + " ok\n"
          : "[-]" + check.name() + " failed: " + check.reason() + "\n");
    }
    body.append(healthy ? endpoint + " check passed\n" : endpoint + " check failed\n");
    return Response.status(healthy ? 200 : 503).entity(body.toString()).build();
  }
}
