package dev.capstan.api.metrics;

import dev.capstan.api.access.audit.AuditStartup;
import dev.capstan.api.access.audit.Auditor;
import dev.capstan.metrics.Metrics;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.util.Optional;

/**
 * {@code GET /metrics}: this server's metrics in Prometheus' text format, as kube-apiserver
 * serves them (see {@link Metrics} and {@link RequestMetrics}). Like any non-resource URL it
 * needs a token allowed {@code get} on it (the {@code system:monitoring} group is, as on
 * Kubernetes). Besides the meters the server's parts keep, it reads at scrape time those of
 * {@link ServerMeters}.
 */
@Path("metrics")
@RequestScoped
public class MetricsResource {

  /** Prometheus' text exposition format. */
  static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

  @Inject
  private Metrics metrics;

  @Inject
  private ServerMeters serverMeters;

  @Context
  private ServletContext servletContext;

  @GET
  public Response scrape() {
    serverMeters.bind(servletContext != null
        && servletContext.getAttribute(AuditStartup.AUDITOR_ATTRIBUTE) instanceof Auditor audit
        ? Optional.of(audit) : Optional.empty());
    return Response.ok(metrics.scrape(), TEXT_FORMAT).build();
  }
}
