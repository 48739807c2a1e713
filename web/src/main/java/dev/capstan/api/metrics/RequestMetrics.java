package dev.capstan.api.metrics;

import dev.capstan.api.access.RequestInfo;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The API's request metrics, as kube-apiserver's: {@code apiserver_request_total} (by verb, dry
 * run, group, version, resource, subresource, scope, component and code),
 * {@code apiserver_request_duration_seconds} (the same but code; watches and connections are
 * left out, as there), and {@code apiserver_longrunning_requests} (watches and streams open
 * now). Verbs and scopes are named as kube-apiserver names them ({@code LIST} for a GET of a
 * collection, {@code WATCH}, {@code APPLY} for a server-side apply patch, {@code CONNECT} for
 * exec/attach/port-forward). A resource the API does not serve is recorded with empty group,
 * version and resource, so that made-up paths cannot make series without end.
 */
@ApplicationScoped
public class RequestMetrics {

  private static final String APPLY_PATCH = "application/apply-patch+yaml";
  private static final Duration[] BUCKETS = Metrics.requestBuckets();
  private static final Set<String> CONNECT_SUBRESOURCES = Set.of("exec", "attach", "portforward",
      "proxy");

  @Inject
  private Metrics metrics;

  private final Map<Tags, AtomicInteger> longRunning = new ConcurrentHashMap<>();
  private volatile Set<String> served;

  /** One request's labels, fixed when it arrives. */
  public record Labels(String verb, String dryRun, String group, String version, String resource,
      String subresource, String scope) {

    Tags tags() {
      return Tags.of("verb", verb, "dry_run", dryRun, "group", group, "version", version,
          "resource", resource, "subresource", subresource, "scope", scope,
          "component", "apiserver");
    }

    /** kube-apiserver's long-running gauge has no code and no dry_run. */
    Tags longRunningTags() {
      return Tags.of("verb", verb, "group", group, "version", version, "resource", resource,
          "subresource", subresource, "scope", scope, "component", "apiserver");
    }

    boolean longRunning() {
      return verb.equals("WATCH") || verb.equals("CONNECT");
    }
  }

  /** The labels of a request as kube-apiserver's instrumentation gives them. */
  public Labels labels(RequestInfo info, String method, String contentType,
      Map<String, List<String>> query) {
    boolean known = info.resourceRequest() && served().contains(
        info.apiGroup() + "/" + info.resource());
    String scope = scope(info);
    String verb = method.toUpperCase(Locale.ROOT);
    if (info.verb().equals("watch")) {
      verb = "WATCH";
    } else if (known && CONNECT_SUBRESOURCES.contains(info.subresource())) {
      verb = "CONNECT";
    } else if ((verb.equals("GET") || verb.equals("HEAD")) && !scope.equals("resource")
        && !scope.isEmpty()) {
      verb = "LIST";
    } else if (verb.equals("PATCH") && contentType != null
        && contentType.toLowerCase(Locale.ROOT).startsWith(APPLY_PATCH)) {
      verb = "APPLY";
    }
    String dryRun = query.getOrDefault("dryRun", List.of()).stream().sorted()
        .collect(Collectors.joining(","));
    return new Labels(verb, dryRun, known ? info.apiGroup() : "",
        known ? info.apiVersion() : "", known ? info.resource() : "",
        known ? info.subresource() : "", info.resourceRequest() ? scope : "");
  }

  /** A watch or stream began: counted among the long-running requests until {@link #ended}. */
  public void began(Labels labels) {
    if (labels.longRunning()) {
      gauge(labels).incrementAndGet();
    }
  }

  /** The request ended with {@code code} after {@code took}. */
  public void ended(Labels labels, int code, Duration took) {
    MeterRegistry registry = metrics.registry();
    String subresource = code == 404 ? "" : labels.subresource();
    Tags tags = new Labels(labels.verb(), labels.dryRun(), labels.group(), labels.version(),
        labels.resource(), subresource, labels.scope()).tags();
    Counter.builder("apiserver.request")
        .description("Counter of apiserver requests broken out for each verb, dry run value,"
            + " group, version, resource, scope, component, and HTTP response code.")
        .tags(tags).tag("code", Integer.toString(code)).register(registry).increment();
    if (labels.longRunning()) {
      gauge(labels).decrementAndGet();
      return;
    }
    Timer.builder("apiserver.request.duration")
        .description("Response latency distribution in seconds for each verb, dry run value,"
            + " group, version, resource, subresource, scope and component.")
        .tags(tags).serviceLevelObjectives(BUCKETS).register(registry)
        .record(took);
  }

  private AtomicInteger gauge(Labels labels) {
    return longRunning.computeIfAbsent(labels.longRunningTags(), tags -> {
      AtomicInteger open = new AtomicInteger();
      Gauge.builder("apiserver.longrunning.requests", open, AtomicInteger::get)
          .description("Gauge of all active long-running apiserver requests broken out by verb,"
              + " group, version, resource, scope and component.")
          .tags(tags).strongReference(true).register(metrics.registry());
      return open;
    });
  }

  /** kube-apiserver's CleanScope. */
  private static String scope(RequestInfo info) {
    if (!info.name().isEmpty() || info.verb().equals("create")) {
      return "resource";
    }
    if (!info.namespace().isEmpty()) {
      return "namespace";
    }
    return info.resourceRequest() ? "cluster" : "";
  }

  private Set<String> served() {
    Set<String> known = served;
    if (known == null) {
      known = ResourceTypes.all().stream().map(type -> type.group() + "/" + type.plural())
          .collect(Collectors.toUnmodifiableSet());
      served = known;
    }
    return known;
  }
}
