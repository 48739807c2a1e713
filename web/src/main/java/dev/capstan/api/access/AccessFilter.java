package dev.capstan.api.access;

import dev.capstan.access.RequestingUser;
import dev.capstan.access.User;
import dev.capstan.admission.AdmissionWarnings;
import dev.capstan.api.access.audit.AuditStartup;
import dev.capstan.api.access.audit.Auditor;
import dev.capstan.api.access.audit.RequestAudit;
import dev.capstan.api.metrics.RequestMetrics;
import dev.capstan.api.status.Statuses;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The API's one door (kube-apiserver's authentication and authorization filters): every request,
 * whichever handler serves it (REST resources, watches, WebSocket and SPDY upgrades), is
 * authenticated by a bearer token and then authorized on its {@link RequestInfo}. Anonymous
 * requests get 401 except for the health and version probes; refused ones get Kubernetes' 403.
 * Declared first in web.xml so that no other filter or handler sees an unchecked request.
 * When auditing is configured, each request is also audited here (kube-apiserver's
 * {@code WithAudit} and {@code WithFailedAuthenticationAudit}), see {@link Auditor}.
 */
public class AccessFilter extends HttpFilter {

  /** The request attribute holding the authenticated {@link User}. */
  public static final String USER_ATTRIBUTE = "capstan.user";
  private static final Set<String> PUBLIC_PATHS = Set.of("/healthz", "/livez", "/readyz",
      "/version");

  /** Who unauthenticated requests to the public probes are, as on Kubernetes. */
  private static final User ANONYMOUS = new User("system:anonymous", "",
      List.of("system:unauthenticated"));

  @Inject
  private AccessControl access;

  @Inject
  private RequestingUser requestingUser;

  @Inject
  private Instance<AdmissionWarnings> admissionNotes;

  @Inject
  private RequestMetrics metrics;

  /** Auditing, when a policy is configured (see {@link AuditStartup}); null when off. */
  private Auditor auditor;

  @Override
  public void init() {
    auditor = (Auditor) getServletContext().getAttribute(AuditStartup.AUDITOR_ATTRIBUTE);
  }

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws IOException, ServletException {
    String path;
    try {
      path = pathOf(request);
    } catch (IllegalArgumentException e) {
      write(response, Statuses.forHttpCode(400, "invalid request path"));
      return;
    }
    Map<String, List<String>> query = query(request.getQueryString());
    RequestInfo info = RequestInfo.parse(request.getMethod(), path, query, isUpgrade(request));
    RequestMetrics.Labels labels = metrics.labels(info, request.getMethod(),
        request.getContentType(), query);
    long started = System.nanoTime();
    metrics.began(labels);
    try {
      doFilter(request, response, chain, path, info);
    } finally {
      measure(request, response, labels, started);
    }
  }

  /** Records the request when it ends: now, or when its asynchronous response completes. */
  private void measure(HttpServletRequest request, HttpServletResponse response,
      RequestMetrics.Labels labels, long started) {
    if (!request.isAsyncStarted()) {
      metrics.ended(labels, response.getStatus(), Duration.ofNanos(System.nanoTime() - started));
      return;
    }
    request.getAsyncContext().addListener(new AsyncListener() {
      @Override
      public void onComplete(AsyncEvent event) {
        metrics.ended(labels, response.getStatus(),
            Duration.ofNanos(System.nanoTime() - started));
      }

      @Override
      public void onTimeout(AsyncEvent event) {}

      @Override
      public void onError(AsyncEvent event) {}

      @Override
      public void onStartAsync(AsyncEvent event) {}
    });
  }

  private void doFilter(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain, String path, RequestInfo info) throws IOException, ServletException {
    if (isPublic(path)) {
      // kube-apiserver serves its probes to system:anonymous, and audits them as such
      passOn(request, response, chain, info, ANONYMOUS, null);
      return;
    }
    var authenticated = access.authenticate(
        name -> java.util.Collections.list(request.getHeaders(name)));
    if (authenticated.isEmpty()) {
      if (auditor != null) {
        auditor.unauthenticated(request, response, info, 401);
      }
      write(response, Statuses.forHttpCode(401, "Unauthorized"));
      return;
    }
    User user = authenticated.get();
    RequestAudit audit = auditor == null ? null : auditor.begin(request, response, info, user);
    Impersonation.Headers headers = Impersonation.of(request);
    if (Impersonation.requested(headers)) {
      Impersonation.Outcome outcome = Impersonation.impersonate(user, headers, path,
          access::authorize);
      if (outcome.refusal() != null) {
        refuse(response, audit, outcome.refusal());
        return;
      }
      if (audit != null) {
        audit.impersonated(user, outcome.user());
      }
      user = outcome.user();
    }
    AccessControl.Checked checked = access.check(user, info);
    Decision decision = checked.decision();
    if (audit != null) {
      audit.authorized(decision.allowed(), decision.reason());
    }
    if (!decision.allowed()) {
      refuse(response, audit, Forbidden.status(user, checked.decided(), decision.reason()));
      return;
    }
    requestingUser.set(user);
    request.setAttribute(USER_ATTRIBUTE, user);
    passOn(new AuthenticatedRequest(request, user), response, chain, info, user, audit);
  }

  /** Hands the request to the handlers, audited when auditing is on. */
  private void passOn(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain, RequestInfo info, User user, RequestAudit given)
      throws IOException, ServletException {
    RequestAudit audit = given;
    if (audit == null && auditor != null && user == ANONYMOUS) {
      audit = auditor.begin(request, response, info, user);
    }
    if (audit == null) {
      chain.doFilter(request, response);
      return;
    }
    HttpServletRequest audited = audit.request(request);
    HttpServletResponse auditedResponse = audit.response(request, response);
    try {
      chain.doFilter(audited, auditedResponse);
    } catch (IOException | ServletException | RuntimeException | Error e) {
      audit.panicked(e);
      throw e;
    }
    audit.annotate(admissionAnnotations());
    audit.handled(audited, response);
  }

  /** Pod Security's (and other admission's) audit annotations for this request. */
  private Map<String, String> admissionAnnotations() {
    try {
      return admissionNotes.get().auditAnnotations();
    } catch (ContextNotActiveException e) {
      return Map.of();
    }
  }

  private static void refuse(HttpServletResponse response, RequestAudit audit, JsonObject status)
      throws IOException {
    if (audit != null) {
      audit.refused(status);
    }
    write(response, status);
  }

  static boolean isPublic(String path) {
    String trimmed = path.length() > 1 && path.endsWith("/")
        ? path.substring(0, path.length() - 1) : path;
    return PUBLIC_PATHS.contains(trimmed);
  }

  /** The decoded path below the context root, with a leading slash. */
  static String pathOf(HttpServletRequest request) {
    String uri = request.getRequestURI();
    String context = request.getContextPath();
    if (context != null && !context.isEmpty() && uri.startsWith(context)) {
      uri = uri.substring(context.length());
    }
    String decoded = URI.create(uri.isEmpty() ? "/" : uri).getPath();
    return decoded.startsWith("/") ? decoded : "/" + decoded;
  }

  static boolean isUpgrade(HttpServletRequest request) {
    return request.getHeader("Upgrade") != null;
  }

  /** The query string's parameters, read without touching the body. */
  public static Map<String, List<String>> query(String queryString) {
    Map<String, List<String>> parameters = new LinkedHashMap<>();
    if (queryString == null || queryString.isEmpty()) {
      return parameters;
    }
    for (String pair : queryString.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      String value = equals < 0 ? "" : pair.substring(equals + 1);
      try {
        parameters.computeIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8),
            key -> new ArrayList<>()).add(URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        // a malformed escape: the handler answers for it
      }
    }
    return parameters;
  }

  private static void write(HttpServletResponse response, JsonObject status) throws IOException {
    response.setStatus(status.getInt("code"));
    response.setContentType("application/json");
    response.getOutputStream().write(status.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The request as the handlers see it: its principal is the authenticated user. */
  private static final class AuthenticatedRequest extends HttpServletRequestWrapper {
    private final User user;

    AuthenticatedRequest(HttpServletRequest request, User user) {
      super(request);
      this.user = user;
    }

    @Override
    public Principal getUserPrincipal() {
      return user;
    }

    @Override
    public String getRemoteUser() {
      return user.name();
    }

    @Override
    public boolean isUserInRole(String role) {
      return user.inGroup(role);
    }

    @Override
    public String getAuthType() {
      return "Bearer";
    }
  }
}
