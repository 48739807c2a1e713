package dev.capstan.api.health;

import dev.capstan.api.access.audit.AuditStartup;
import dev.capstan.api.access.audit.Auditor;
import dev.capstan.api.objects.Watchers;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import java.lang.management.ManagementFactory;

/**
 * {@code /metrics} in Prometheus' text format, as kube-apiserver serves it (authenticated):
 * for now the open watches, under kube-apiserver's own metric name, the change-feed
 * subscriptions behind them, so a watch that is never released shows, and the JVM's live
 * threads and used heap (the JMX exporter's names): open watches must not raise the first.
 * When auditing is on, kube-apiserver's audit counters: events generated, and events lost
 * because the log's queue was full.
 */
@Path("metrics")
public class MetricsResource {

  @Inject
  private Watchers watchers;

  @Context
  private ServletContext servletContext;

  @GET
  @Produces("text/plain; version=0.0.4")
  public String metrics() {
    StringBuilder ends = new StringBuilder("""
        # HELP capstan_watch_ends_total Watches ended on this server, by reason.
        # TYPE capstan_watch_ends_total counter
        """);
    watchers.endedWatches().forEach((reason, count) -> ends.append(
        "capstan_watch_ends_total{reason=\"").append(reason).append("\"} ").append(count).append('\n'));
    if (servletContext != null
        && servletContext.getAttribute(AuditStartup.AUDITOR_ATTRIBUTE) instanceof Auditor audit) {
      ends.append("""
          # HELP apiserver_audit_event_total Counter of audit events generated and sent to the audit backend.
          # TYPE apiserver_audit_event_total counter
          apiserver_audit_event_total %d
          # HELP apiserver_audit_error_total Counter of audit events that failed to be audited properly. Plugin identifies the plugin affected by the error.
          # TYPE apiserver_audit_error_total counter
          apiserver_audit_error_total{plugin="log"} %d
          """.formatted(audit.events(), audit.dropped()));
    }
    return ends + """
        # HELP apiserver_longrunning_requests Gauge of all active long-running apiserver requests broken out by verb.
        # TYPE apiserver_longrunning_requests gauge
        apiserver_longrunning_requests{component="apiserver",verb="WATCH"} %d
        # HELP capstan_change_feed_subscriptions Subscriptions to this server's change feed.
        # TYPE capstan_change_feed_subscriptions gauge
        capstan_change_feed_subscriptions %d
        # HELP jvm_threads_current Current thread count of the JVM.
        # TYPE jvm_threads_current gauge
        jvm_threads_current %d
        # HELP jvm_memory_bytes_used Used bytes of a given JVM memory area.
        # TYPE jvm_memory_bytes_used gauge
        jvm_memory_bytes_used{area="heap"} %d
        """.formatted(watchers.openWatches(), watchers.subscriptions(),
        ManagementFactory.getThreadMXBean().getThreadCount(),
        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
  }
}
