package dev.capstan.api.access;

import dev.capstan.access.User;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.StreamSupport;

/**
 * Who is asking, and may they: the authenticators and the authorizer chain every door of the API
 * uses (the HTTP filter, WebSocket handshakes, SPDY upgrades, access reviews).
 */
@ApplicationScoped
public class AccessControl {

  @Inject
  private Instance<Authenticator> authenticators;

  @Inject
  private Instance<Authorizer> authorizerBeans;

  private List<Authorizer> authorizers;

  @PostConstruct
  void orderAuthorizers() {
    authorizers = StreamSupport.stream(authorizerBeans.spliterator(), false)
        .sorted(Comparator.comparingInt(Authorizer::order)).toList();
  }

  /** The user an {@code Authorization} header's bearer token names, if any authenticator knows it. */
  public Optional<User> authenticate(String authorizationHeader) {
    return bearerToken(authorizationHeader).flatMap(this::authenticateToken);
  }

  /**
   * The user a request names: by its {@code Authorization} header, or else, for a WebSocket
   * upgrade, by the token in its subprotocols ({@link WebSocketBearer}), as kube-apiserver's
   * union of the two authenticators does.
   *
   * @param headers the request's header values by name (any case), empty when absent
   */
  public Optional<User> authenticate(Function<String, List<String>> headers) {
    List<String> authorization = headers.apply("Authorization");
    return authenticate(authorization.isEmpty() ? null : authorization.get(0))
        .or(() -> WebSocketBearer.token(headers).flatMap(this::authenticateToken));
  }

  private Optional<User> authenticateToken(String token) {
    for (Authenticator authenticator : authenticators) {
      Optional<User> user = authenticator.authenticate(token);
      if (user.isPresent()) {
        return Optional.of(user.get().authenticated());
      }
    }
    return Optional.empty();
  }

  /** The chain's decision: the first authorizer with an opinion decides; none means deny. */
  public Decision authorize(User user, RequestInfo request) {
    String reasons = "";
    for (Authorizer authorizer : authorizers) {
      Decision decision = authorizer.authorize(user, request);
      if (decision.verdict() != Decision.Verdict.NO_OPINION) {
        return decision;
      }
      if (!decision.reason().isEmpty()) {
        reasons = reasons.isEmpty() ? decision.reason() : reasons + ", " + decision.reason();
      }
    }
    return Decision.deny(reasons);
  }

  /** A request's decision, and the request info it was made on (for a refusal's words). */
  public record Checked(Decision decision, RequestInfo decided) {}

  /**
   * The decision on a request as kube-apiserver makes it: on its own verb, then on what it also
   * needs ({@link RequestInfo#alsoRequired}); the first refusal is the answer.
   */
  public Checked check(User user, RequestInfo request) {
    Decision decision = authorize(user, request);
    if (decision.allowed()) {
      Optional<RequestInfo> also = request.alsoRequired();
      if (also.isPresent()) {
        Decision second = authorize(user, also.get());
        if (!second.allowed()) {
          return new Checked(second, also.get());
        }
      }
    }
    return new Checked(decision, request);
  }

  static Optional<String> bearerToken(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    String token = header.substring(7).strip();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }
}
