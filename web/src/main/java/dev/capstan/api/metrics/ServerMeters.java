package dev.capstan.api.metrics;

import dev.capstan.api.access.audit.Auditor;
import dev.capstan.api.objects.Watchers;
import dev.capstan.metrics.Metrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * Meters read from the API's parts when Prometheus scrapes: the watch machinery's own counts (the
 * change-feed subscriptions behind the open watches, so a watch that is never released shows;
 * watches ended, by reason) and, when auditing is on, kube-apiserver's audit counters (events
 * generated, events lost because a backend's queue was full). Micrometer holds what it reads
 * weakly: this application-scoped bean is that object, so it lives as long as the server.
 */
@ApplicationScoped
public class ServerMeters {

  @Inject
  private Metrics metrics;

  @Inject
  private Watchers watchers;

  private volatile Auditor auditor;

  /** Makes sure a meter exists for every reason and plugin seen so far (idempotent). */
  void bind(Optional<Auditor> audit) {
    MeterRegistry registry = metrics.registry();
    Gauge.builder("capstan.change.feed.subscriptions", this, m -> m.watchers.subscriptions())
        .description("Subscriptions to this server's change feed.").register(registry);
    for (String reason : watchers.endedWatches().keySet()) {
      FunctionCounter.builder("capstan.watch.ends", this,
              m -> m.watchers.endedWatches().getOrDefault(reason, 0L))
          .description("Watches ended on this server, by reason.").tag("reason", reason)
          .register(registry);
    }
    if (audit.isEmpty()) {
      return;
    }
    auditor = audit.get();
    FunctionCounter.builder("apiserver.audit.event", this, m -> m.auditor.events())
        .description("Counter of audit events generated and sent to the audit backend.")
        .register(registry);
    for (String plugin : auditor.dropped().keySet()) {
      FunctionCounter.builder("apiserver.audit.error", this,
              m -> m.auditor.dropped().getOrDefault(plugin, 0L))
          .description("Counter of audit events that failed to be audited properly. Plugin"
              + " identifies the plugin affected by the error.")
          .tag("plugin", plugin).register(registry);
    }
  }
}
