package dev.capstan.api.access;

import dev.capstan.access.RequestingUser;
import dev.capstan.access.User;
import dev.capstan.api.status.Statuses;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
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
 */
public class AccessFilter extends HttpFilter {

  /** The request attribute holding the authenticated {@link User}. */
  public static final String USER_ATTRIBUTE = "capstan.user";
  private static final Set<String> PUBLIC_PATHS = Set.of("/healthz", "/livez", "/readyz",
      "/version");

  @Inject
  private AccessControl access;

  @Inject
  private RequestingUser requestingUser;

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
    if (isPublic(path)) {
      chain.doFilter(request, response);
      return;
    }
    var authenticated = access.authenticate(request.getHeader("Authorization"));
    if (authenticated.isEmpty()) {
      write(response, Statuses.forHttpCode(401, "Unauthorized"));
      return;
    }
    User user = authenticated.get();
    RequestInfo info = RequestInfo.parse(request.getMethod(), path,
        query(request.getQueryString()), isUpgrade(request));
    Decision decision = access.authorize(user, info);
    if (!decision.allowed()) {
      write(response, Forbidden.status(user, info, decision.reason()));
      return;
    }
    requestingUser.set(user);
    request.setAttribute(USER_ATTRIBUTE, user);
    chain.doFilter(new AuthenticatedRequest(request, user), response);
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
