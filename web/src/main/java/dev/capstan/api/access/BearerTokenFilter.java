package dev.capstan.api.access;

import dev.capstan.api.status.Statuses;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;
import java.nio.file.Path;
import java.security.Principal;
import java.util.Optional;
import java.util.Set;

/**
 * The one authentication and authorization point of the API: every request but the health and
 * version probes must carry {@code Authorization: Bearer <token>} of a user in the token file
 * ({@code -Dcapstan.token.file}, written by the launcher), and the {@link Authorizer} must allow
 * it. Anonymous requests get 401, refused ones 403, both as Kubernetes {@code Status} objects.
 * Without a configured token file every protected request is refused: there is no open mode.
 */
@Provider
@PreMatching
public class BearerTokenFilter implements ContainerRequestFilter {

  static final String TOKEN_FILE_PROPERTY = "capstan.token.file";
  private static final Set<String> PUBLIC_PATHS = Set.of("healthz", "livez", "readyz", "version");

  @Inject
  private Authorizer authorizer;

  private Optional<TokenFile> tokens;

  @PostConstruct
  void loadTokens() {
    tokens = Optional.ofNullable(System.getProperty(TOKEN_FILE_PROPERTY))
        .filter(path -> !path.isBlank())
        .map(path -> new TokenFile(Path.of(path)));
  }

  @Override
  public void filter(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath().replaceAll("^/+|/+$", "");
    if (PUBLIC_PATHS.contains(path)) {
      return;
    }
    Optional<User> user = bearerToken(request).flatMap(token -> tokens.flatMap(t -> t.authenticate(token)));
    if (user.isEmpty()) {
      request.abortWith(status(Statuses.forHttpCode(401, "Unauthorized"), 401));
      return;
    }
    if (!authorizer.allows(user.get(), request.getMethod(), path)) {
      request.abortWith(status(Statuses.forHttpCode(403, "user \"" + user.get().name()
          + "\" may not " + request.getMethod() + " /" + path), 403));
      return;
    }
    request.setSecurityContext(new UserSecurityContext(user.get(), request.getSecurityContext()));
  }

  private static Optional<String> bearerToken(ContainerRequestContext request) {
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    String token = header.substring(7).strip();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }

  private static Response status(jakarta.json.JsonObject status, int code) {
    return Response.status(code).type(MediaType.APPLICATION_JSON_TYPE).entity(status).build();
  }

  private record UserSecurityContext(User user, SecurityContext original) implements SecurityContext {
    @Override
    public Principal getUserPrincipal() {
      return user;
    }

    @Override
    public boolean isUserInRole(String role) {
      return user.groups().contains(role);
    }

    @Override
    public boolean isSecure() {
      return original.isSecure();
    }

    @Override
    public String getAuthenticationScheme() {
      return "Bearer";
    }
  }
}
