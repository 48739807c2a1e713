package dev.capstan.api.nodes;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.access.NodeIdentity;
import dev.capstan.access.User;
import dev.capstan.access.tokens.NodeCredentialTokens;
import dev.capstan.access.tokens.ServiceAccountTokens;
import dev.capstan.access.tokens.SigningKeys;
import dev.capstan.access.tokens.TokenCache;
import dev.capstan.api.serviceaccounts.TokenRequests;
import dev.capstan.api.status.Statuses;
import dev.capstan.jsonp.Json;
import dev.capstan.store.ObjectMetadata;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Node agents' own credentials: {@code POST /api/v1/nodes/<name>/token} with a TokenRequest
 * answers a credential of {@code system:node:<name>} (in {@code system:nodes}), valid for
 * {@code spec.expirationSeconds} (default a day, at least ten minutes), and bearer tokens are
 * checked against it. This is Capstan's form of the kubelet's client certificate, which
 * Kubernetes issues through a CertificateSigningRequest (signer
 * {@code kubernetes.io/kube-apiserver-client-kubelet}) to an agent that shows a bootstrap token
 * first and then its current certificate: here the agent shows its bootstrap token
 * ({@code system:bootstrap:<node>}, the first time or when its credential was refused) or its
 * current credential (to rotate it before it ends), and the Node authorizer lets either ask for
 * that one node alone. Beyond Kubernetes: the subresource itself (the kubelet's CSR is a cluster
 * object, approved by a controller; here the answer is immediate and nothing is stored).
 *
 * <p>Valid credentials are remembered for a minute (by SHA-256, never the token), so an agent's
 * steady requests cost a map lookup, not an RSA verification.
 */
@ApplicationScoped
public class NodeCredentialService {

  static final long DEFAULT_EXPIRATION_SECONDS = Duration.ofDays(1).toSeconds();
  private static final Duration REMEMBERED = Duration.ofMinutes(1);
  private static final int LIMIT = 10_000;

  private Optional<NodeCredentialTokens> tokens = Optional.empty();
  private final TokenCache<User> verified = new TokenCache<>(REMEMBERED, LIMIT);

  @PostConstruct
  void loadKeys() {
    tokens = SigningKeys.configured().map(keys -> new NodeCredentialTokens(keys,
        List.of(ServiceAccountTokens.configuredIssuer()), Clock.systemUTC()));
  }

  /** The answered TokenRequest: a new credential of the node. */
  public JsonObject issue(String node, JsonObject request) {
    NodeCredentialTokens issuer = tokens.orElseThrow(() -> Statuses.serviceUnavailable(
        "this server has no signing key for node credentials"
            + " (-Dcapstan.service-account.key-file)"));
    long seconds = TokenRequests.expirationSeconds(node, object(request, "spec"),
        DEFAULT_EXPIRATION_SECONDS);
    NodeCredentialTokens.Issued issued = issuer.issue(node, Duration.ofSeconds(seconds));
    return Json.createObjectBuilder()
        .add("kind", "TokenRequest")
        .add("apiVersion", "authentication.k8s.io/v1")
        .add("metadata", Json.createObjectBuilder().add("name", node)
            .add("creationTimestamp", JsonValue.NULL))
        .add("spec", Json.createObjectBuilder()
            .add("audiences", Json.createArrayBuilder(List.of(
                ServiceAccountTokens.configuredIssuer())))
            .add("expirationSeconds", seconds))
        .add("status", Json.createObjectBuilder().add("token", issued.token())
            .add("expirationTimestamp", ObjectMetadata.timestamp(issued.expires())))
        .build();
  }

  /** The node a valid credential names, as a user of {@code system:nodes}. */
  public Optional<User> authenticate(String token) {
    if (tokens.isEmpty() || token.chars().filter(c -> c == '.').count() != 2) {
      return Optional.empty();
    }
    Instant now = tokens.get().clock().instant();
    Optional<User> cached = verified.get(token, now);
    if (cached.isPresent()) {
      return cached;
    }
    Optional<NodeCredentialTokens.Verified> found = tokens.get().verify(token);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    User user = new User(NodeIdentity.USER_PREFIX + found.get().node(), "",
        List.of(NodeIdentity.NODES_GROUP), Map.of("authentication.kubernetes.io/credential-id",
            List.of("JTI=" + found.get().id())));
    verified.put(token, user, found.get().expires(), now);
    return Optional.of(user);
  }
}
