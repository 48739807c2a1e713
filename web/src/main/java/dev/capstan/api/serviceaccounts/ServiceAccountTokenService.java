package dev.capstan.api.serviceaccounts;

import dev.capstan.access.User;
import dev.capstan.access.tokens.ServiceAccountTokens;
import dev.capstan.access.tokens.ServiceAccountTokens.InvalidToken;
import dev.capstan.access.tokens.SigningKeys;
import dev.capstan.access.tokens.TokenClaims;
import dev.capstan.access.tokens.VerifiedTokens;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The server's ServiceAccount token issuer and validator (kube-apiserver's
 * {@code serviceaccount.JWTTokenGenerator} and {@code Validator}): the keys of
 * {@code -Dcapstan.service-account.key-file}, and the check that the account and the object a
 * token is bound to still exist with the uids it names, so a pod's token dies with the pod.
 *
 * <p>Signature checks are remembered for a minute ({@link VerifiedTokens}); the existence checks
 * read the store on every request.
 */
@ApplicationScoped
public class ServiceAccountTokenService {

  private static final Logger LOG = Logger.getLogger(ServiceAccountTokenService.class.getName());
  static final String INVALIDATED = "service account token has been invalidated";

  @Inject
  private ObjectStore store;

  private Optional<ServiceAccountTokens> tokens = Optional.empty();
  private Optional<SigningKeys> keys = Optional.empty();
  private VerifiedTokens verified;

  /** The outcome of reviewing a token: its user and audiences, or why it is refused. */
  public record Review(Optional<User> user, List<String> audiences, String error) {
    static Review refused(String error) {
      return new Review(Optional.empty(), List.of(), error);
    }

    static Review notOurs() {
      return refused("");
    }
  }

  @PostConstruct
  void loadKeys() {
    keys = SigningKeys.configured();
    tokens = keys.map(found -> new ServiceAccountTokens(found,
        ServiceAccountTokens.configuredIssuer(), Clock.systemUTC()));
    verified = tokens.map(VerifiedTokens::new).orElse(null);
  }

  /** The public keys, as a JWK set document (the signing key first). */
  public String publicJwks() {
    return keys.map(k -> k.publicJwks().toString()).orElse("{\"keys\":[]}");
  }

  /** The issuer, if this server has keys (otherwise it issues and accepts no tokens). */
  public Optional<ServiceAccountTokens> tokens() {
    return tokens;
  }

  /**
   * Reviews a bearer token for the given audiences (empty: the API's own). A token of another
   * kind (a static token) gives an empty user and no error.
   */
  public Review review(String token, List<String> requestedAudiences) {
    if (tokens.isEmpty()) {
      return Review.notOurs();
    }
    ServiceAccountTokens issuer = tokens.get();
    List<String> audiences = requestedAudiences.isEmpty() ? issuer.apiAudiences()
        : requestedAudiences;
    TokenClaims claims;
    try {
      Optional<TokenClaims> checked = verified.verify(token, audiences);
      if (checked.isEmpty()) {
        return Review.notOurs();
      }
      claims = checked.get();
    } catch (InvalidToken e) {
      LOG.info(() -> "Refused a service account token: " + e.getMessage());
      return Review.refused(e.getMessage());
    }
    Optional<String> gone = boundObjectProblem(claims, issuer.clock().instant());
    if (gone.isPresent()) {
      LOG.info(() -> "Refused the service account token " + claims.id() + " of "
          + claims.subject() + ": " + gone.get());
      return Review.refused(INVALIDATED);
    }
    List<String> matched = claims.audiences().stream().filter(audiences::contains).toList();
    return new Review(Optional.of(userOf(claims)), matched, "");
  }

  /** Why the token's account or bound object no longer holds, if it does not. */
  private Optional<String> boundObjectProblem(TokenClaims claims, Instant now) {
    Optional<String> account = check(ResourceTypes.SERVICE_ACCOUNT, claims.namespace(),
        claims.serviceAccount(), now);
    if (account.isPresent()) {
      return account;
    }
    if (claims.pod().isPresent()) {
      return check(ResourceTypes.POD, claims.namespace(), claims.pod().get(), now);
    }
    if (claims.secret().isPresent()) {
      return check(ResourceTypes.SECRET, claims.namespace(), claims.secret().get(), now);
    }
    if (claims.node().isPresent()) {
      return check(ResourceTypes.NODE, "", claims.node().get(), now);
    }
    return Optional.empty();
  }

  private Optional<String> check(ResourceType type, String namespace, TokenClaims.Ref ref,
      Instant now) {
    Optional<JsonObject> object = store.get(type.key(namespace, ref.name()))
        .map(stored -> stored.json());
    String what = type.singular() + " " + (namespace.isEmpty() ? "" : namespace + "/")
        + ref.name();
    if (object.isEmpty()) {
      return Optional.of(what + " not found");
    }
    JsonObject metadata = ObjectMetadata.metadata(object.get());
    if (!metadata.getString("uid", "").equals(ref.uid())) {
      return Optional.of(what + " has uid " + metadata.getString("uid", "")
          + ", the token names " + ref.uid());
    }
    String deletion = metadata.getString("deletionTimestamp", "");
    if (!deletion.isEmpty() && Instant.parse(deletion).isBefore(now)) {
      return Optional.of(what + " has been deleted");
    }
    return Optional.empty();
  }

  /** The user a valid token names, with kube-apiserver's groups and extra. */
  static User userOf(TokenClaims claims) {
    Map<String, List<String>> extra = new LinkedHashMap<>();
    claims.pod().ifPresent(pod -> {
      extra.put("authentication.kubernetes.io/pod-name", List.of(pod.name()));
      extra.put("authentication.kubernetes.io/pod-uid", List.of(pod.uid()));
    });
    claims.node().ifPresent(node -> {
      extra.put("authentication.kubernetes.io/node-name", List.of(node.name()));
      if (!node.uid().isEmpty()) {
        extra.put("authentication.kubernetes.io/node-uid", List.of(node.uid()));
      }
    });
    if (!claims.id().isEmpty()) {
      extra.put("authentication.kubernetes.io/credential-id", List.of("JTI=" + claims.id()));
    }
    List<String> groups = new ArrayList<>(List.of("system:serviceaccounts",
        "system:serviceaccounts:" + claims.namespace()));
    return new User(claims.subject(), claims.serviceAccount().uid(), groups, extra);
  }
}
