package dev.capstan.api.serviceaccounts;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.access.tokens.ServiceAccountTokens;
import dev.capstan.access.tokens.TokenClaims;
import dev.capstan.api.status.Statuses;
import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.entity.StoredObject;
import dev.capstan.validation.FieldError;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code POST .../serviceaccounts/<name>/token}: a TokenRequest (what {@code kubectl create
 * token} and node agents send) answered with a signed token for the account, valid for
 * {@code spec.expirationSeconds} (default one hour, at least ten minutes) and the requested
 * audiences (default the API's), bound to a Pod, Secret or Node when {@code boundObjectRef}
 * names one, so the token stops working once that object is gone.
 */
@ApplicationScoped
public class TokenRequests {

  static final long DEFAULT_EXPIRATION_SECONDS = 3600;
  static final long MIN_EXPIRATION_SECONDS = 600;
  static final long MAX_EXPIRATION_SECONDS = 1L << 32;
  private static final Map<String, ResourceType> BINDABLE = Map.of("Pod", ResourceTypes.POD,
      "Secret", ResourceTypes.SECRET, "Node", ResourceTypes.NODE);

  @Inject
  private ObjectStore store;

  @Inject
  private ServiceAccountTokenService service;

  /** The answered TokenRequest (status.token, status.expirationTimestamp). */
  public JsonObject create(String namespace, String account, JsonObject request) {
    ServiceAccountTokens tokens = service.tokens().orElseThrow(() -> Statuses.serviceUnavailable(
        "this server has no service account signing key (-Dcapstan.service-account.key-file)"));
    JsonObject spec = object(request, "spec");
    long expirationSeconds = expirationSeconds(account, spec, DEFAULT_EXPIRATION_SECONDS);
    List<String> audiences = audiences(spec, tokens);
    StoredObject serviceAccount = store.get(ResourceTypes.SERVICE_ACCOUNT.key(namespace, account))
        .orElseThrow(() -> Statuses.notFound("serviceaccounts", account));
    Optional<TokenClaims.Ref> pod = Optional.empty();
    Optional<TokenClaims.Ref> secret = Optional.empty();
    Optional<TokenClaims.Ref> node = Optional.empty();
    JsonObject boundRef = object(spec, "boundObjectRef");
    if (!boundRef.isEmpty()) {
      String kind = boundRef.getString("kind", "");
      String apiVersion = boundRef.getString("apiVersion", "v1");
      ResourceType type = BINDABLE.get(kind);
      if (type == null || !apiVersion.equals("v1")) {
        throw Statuses.badRequest("cannot bind token to object of type "
            + (apiVersion.isEmpty() ? "" : apiVersion + ", ") + "Kind=" + kind);
      }
      String name = boundRef.getString("name", "");
      JsonObject bound = store.get(type.key(namespace, name)).map(StoredObject::json)
          .orElseThrow(() -> Statuses.notFound(type.plural(), name));
      String uid = ObjectMetadata.metadata(bound).getString("uid", "");
      String wantedUid = boundRef.getString("uid", "");
      if (!wantedUid.isEmpty() && !wantedUid.equals(uid)) {
        throw Statuses.conflict(kind, name, "the UID in the bound object reference ("
            + wantedUid + ") does not match the UID in record. The object might have been"
            + " deleted and then recreated");
      }
      TokenClaims.Ref ref = new TokenClaims.Ref(name, uid);
      if (type == ResourceTypes.POD) {
        String podAccount = object(bound, "spec").getString("serviceAccountName", "");
        if (!podAccount.equals(account)) {
          throw Statuses.badRequest("cannot bind token for serviceaccount \"" + account
              + "\" to pod running with different serviceaccount name.");
        }
        pod = Optional.of(ref);
        node = nodeOf(object(bound, "spec").getString("nodeName", ""));
      } else if (type == ResourceTypes.SECRET) {
        secret = Optional.of(ref);
      } else {
        node = Optional.of(ref);
      }
    }
    Instant now = tokens.clock().instant().truncatedTo(ChronoUnit.SECONDS);
    Instant expires = now.plusSeconds(expirationSeconds);
    String token = tokens.issue(new TokenClaims(tokens.issuer(), audiences, now, expires,
        UUID.randomUUID().toString(), namespace,
        new TokenClaims.Ref(account, uidOf(serviceAccount.json())), pod, secret, node));
    JsonObjectBuilder answeredSpec = Json.createObjectBuilder()
        .add("audiences", Json.createArrayBuilder(audiences))
        .add("expirationSeconds", expirationSeconds);
    if (!boundRef.isEmpty()) {
      answeredSpec.add("boundObjectRef", boundRef);
    }
    return Json.createObjectBuilder()
        .add("kind", "TokenRequest")
        .add("apiVersion", "authentication.k8s.io/v1")
        .add("metadata", Json.createObjectBuilder().add("name", account)
            .add("namespace", namespace).add("creationTimestamp", JsonValue.NULL))
        .add("spec", answeredSpec)
        .add("status", Json.createObjectBuilder().add("token", token)
            .add("expirationTimestamp", ObjectMetadata.timestamp(expires)))
        .build();
  }

  private Optional<TokenClaims.Ref> nodeOf(String nodeName) {
    if (nodeName.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new TokenClaims.Ref(nodeName, store.get(ResourceTypes.NODE.key("",
        nodeName)).map(node -> uidOf(node.json())).orElse("")));
  }

  private static String uidOf(JsonObject object) {
    return ObjectMetadata.metadata(object).getString("uid", "");
  }

  /**
   * A TokenRequest's {@code spec.expirationSeconds}, or {@code defaultSeconds} without one; out
   * of kube-apiserver's bounds (10 minutes to 2^32 seconds) it is a 422 naming the field. Node
   * credentials are asked for with the same body and bounds.
   */
  public static long expirationSeconds(String name, JsonObject spec, long defaultSeconds) {
    if (!(spec.get("expirationSeconds") instanceof JsonNumber number)) {
      return defaultSeconds;
    }
    long seconds = number.longValue();
    String detail = seconds < MIN_EXPIRATION_SECONDS
        ? "may not specify a duration less than 10 minutes"
        : seconds > MAX_EXPIRATION_SECONDS ? "may not specify a duration larger than 2^32 seconds"
        : "";
    if (!detail.isEmpty()) {
      throw Statuses.invalid("TokenRequest", name, List.of(new FieldError(
          "spec.expirationSeconds", "FieldValueInvalid", "Invalid value: " + seconds + ": "
              + detail)));
    }
    return seconds;
  }

  private static List<String> audiences(JsonObject spec, ServiceAccountTokens tokens) {
    if (spec.get("audiences") instanceof JsonArray array && !array.isEmpty()) {
      return array.stream().filter(JsonString.class::isInstance)
          .map(value -> ((JsonString) value).getString()).toList();
    }
    return tokens.apiAudiences();
  }
}
