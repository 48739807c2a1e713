package dev.capstan.api.access.audit;

import dev.capstan.access.User;
import dev.capstan.api.access.RequestInfo;
import dev.capstan.jsonp.Json;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Auditing as configured: the policy deciding each request's level, and the log its events go
 * to. The access filter asks it to {@link #begin} a request's audit once the user is known.
 */
public final class Auditor {

  /** The response header carrying the audit id, as kube-apiserver sends it. */
  public static final String AUDIT_ID_HEADER = "Audit-Id";

  private final AuditPolicy policy;
  private final List<AuditBackend> backends;
  private final EventSink sink;
  private final AtomicLong events = new AtomicLong();

  /**
   * @param backends where events go, each of them every event
   */
  public Auditor(AuditPolicy policy, List<AuditBackend> backends) {
    this.policy = policy;
    this.backends = List.copyOf(backends);
    this.sink = event -> {
      events.incrementAndGet();
      for (AuditBackend backend : this.backends) {
        backend.write(event);
      }
    };
  }

  /** Events generated (kube-apiserver's {@code apiserver_audit_event_total}). */
  public long events() {
    return events.get();
  }

  /**
   * Events lost by each backend (kube-apiserver's {@code apiserver_audit_error_total}, by
   * {@code plugin}).
   */
  public Map<String, Long> dropped() {
    Map<String, Long> dropped = new LinkedHashMap<>();
    for (AuditBackend backend : backends) {
      dropped.put(backend.plugin(), backend.dropped());
    }
    return dropped;
  }

  /** Where events go. */
  @FunctionalInterface
  interface EventSink {
    void write(JsonObject event);
  }

  /**
   * Starts auditing an authenticated request: sets its {@code Audit-Id} header and writes
   * {@code RequestReceived}.
   *
   * @param user the authenticated user, before any impersonation
   */
  public RequestAudit begin(HttpServletRequest request, HttpServletResponse response,
      RequestInfo info, User user) {
    AuditPolicy.Decision decision = policy.evaluate(user, info);
    AuditEvent event = event(request, info, user, decision.level());
    response.setHeader(AUDIT_ID_HEADER, event.auditId());
    RequestAudit audit = new RequestAudit(event, decision, sink, longRunning(request, info));
    audit.stage(AuditStage.RequestReceived);
    return audit;
  }

  /**
   * Audits a request refused because it is not authenticated, as kube-apiserver's
   * {@code WithFailedAuthenticationAudit} does: one {@code ResponseStarted} event with no user
   * and why authentication failed.
   */
  public void unauthenticated(HttpServletRequest request, HttpServletResponse response,
      RequestInfo info, int code) {
    AuditPolicy.Decision decision = policy.evaluate(null, info);
    AuditEvent event = event(request, info, null, decision.level());
    response.setHeader(AUDIT_ID_HEADER, event.auditId());
    if (!decision.writes(AuditStage.ResponseStarted)) {
      return;
    }
    event.responseStatus(code, Json.createObjectBuilder()
        .add("message", authenticationMessage(request.getHeader("Authorization"),
            request.getQueryString())).build());
    sink.write(event.toJson(AuditStage.ResponseStarted, Instant.now()));
  }

  /** kube-apiserver's {@code getAuthMethods}: which credentials were tried. */
  static String authenticationMessage(String authorization, String query) {
    List<String> methods = new ArrayList<>();
    if (authorization != null) {
      String[] parts = authorization.trim().split(" ");
      if (parts.length > 1 && parts[0].equalsIgnoreCase("basic")) {
        methods.add("basic");
      }
      if (parts.length > 1 && parts[0].equalsIgnoreCase("bearer")) {
        methods.add("bearer");
      }
    }
    if (query != null && query.matches("(^|.*&)access_token=[^&]+.*")) {
      methods.add("access_token");
    }
    return methods.isEmpty() ? "Authentication failed, no credentials provided"
        : "Authentication failed, attempted: " + String.join(", ", methods);
  }

  private static AuditEvent event(HttpServletRequest request, RequestInfo info, User user,
      AuditLevel level) {
    String uri = request.getRequestURI();
    if (request.getQueryString() != null) {
      uri += "?" + request.getQueryString();
    }
    return new AuditEvent(UUID.randomUUID().toString(), level, uri, info, user,
        sourceIps(request), request.getHeader("User-Agent"), Instant.now());
  }

  /** The client's addresses: the X-Forwarded-For chain, X-Real-Ip, then the peer. */
  static List<String> sourceIps(HttpServletRequest request) {
    List<String> ips = new ArrayList<>();
    String forwarded = request.getHeader("X-Forwarded-For");
    if (forwarded != null) {
      for (String ip : forwarded.split(",")) {
        if (!ip.isBlank() && !ips.contains(ip.trim())) {
          ips.add(ip.trim());
        }
      }
    }
    String real = request.getHeader("X-Real-Ip");
    if (real != null && !real.isBlank() && !ips.contains(real.trim())) {
      ips.add(real.trim());
    }
    String remote = request.getRemoteAddr();
    if (remote != null && !ips.contains(remote)) {
      ips.add(remote);
    }
    return ips;
  }

  /** Watches, streamed logs and upgraded connections (kube-apiserver's long-running check). */
  static boolean longRunning(HttpServletRequest request, RequestInfo info) {
    if (info.verb().equals("watch") || info.verb().equals("proxy")
        || request.getHeader("Upgrade") != null) {
      return true;
    }
    return switch (info.subresource()) {
      case "exec", "attach", "portforward", "proxy" -> true;
      case "log" -> "true".equals(request.getParameter("follow"));
      default -> false;
    };
  }

  static JsonObject withoutManagedFields(JsonObject object) {
    if (object == null || !(object.get("metadata") instanceof JsonObject metadata)
        || !metadata.containsKey("managedFields")) {
      return object;
    }
    return Json.createObjectBuilder(object).add("metadata",
        Json.createObjectBuilder(metadata).remove("managedFields")).build();
  }
}
