package dev.capstan.api.access;

import dev.capstan.access.User;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
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
    return bearerToken(authorizationHeader).flatMap(token -> {
      for (Authenticator authenticator : authenticators) {
        Optional<User> user = authenticator.authenticate(token);
        if (user.isPresent()) {
          return Optional.of(user.get().authenticated());
        }
      }
      return Optional.empty();
    });
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

  static Optional<String> bearerToken(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    String token = header.substring(7).strip();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }
}
