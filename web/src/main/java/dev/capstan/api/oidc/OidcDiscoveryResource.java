package dev.capstan.api.oidc;

import dev.capstan.access.tokens.ServiceAccountTokens;
import dev.capstan.api.serviceaccounts.ServiceAccountTokenService;
import dev.capstan.api.status.Statuses;
import dev.capstan.jsonp.Json;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The service account issuer's OpenID Connect discovery documents, as kube-apiserver serves them,
 * so that systems outside the cluster can verify pods' tokens: the provider configuration at
 * {@code /.well-known/openid-configuration} and the public keys at {@code /openid/v1/jwks}
 * (every key that verifies, so a rotation is seen before old tokens expire). Authorized as
 * non-resource URLs. {@link JwksResource} serves the keys.
 */
@Path(".well-known/openid-configuration")
public class OidcDiscoveryResource {

  /** Where the JWKS document is published, when not {@code <issuer>/openid/v1/jwks}. */
  static final String JWKS_URI_PROPERTY = "capstan.service-account.jwks-uri";

  @Inject
  private ServiceAccountTokenService service;

  @GET
  public Response configuration() {
    ServiceAccountTokens tokens = issuer();
    String jwksUri = System.getProperty(JWKS_URI_PROPERTY, "");
    if (jwksUri.isBlank()) {
      jwksUri = tokens.issuer().replaceAll("/+$", "") + "/openid/v1/jwks";
    }
    return cached(Response.ok(Json.createObjectBuilder()
        .add("issuer", tokens.issuer())
        .add("jwks_uri", jwksUri)
        .add("response_types_supported", Json.createArrayBuilder().add("id_token"))
        .add("subject_types_supported", Json.createArrayBuilder().add("public"))
        .add("id_token_signing_alg_values_supported", Json.createArrayBuilder().add("RS256"))
        .build().toString()).type(MediaType.APPLICATION_JSON_TYPE));
  }

  private ServiceAccountTokens issuer() {
    return service.tokens().orElseThrow(Statuses::notFoundPath);
  }

  static Response cached(Response.ResponseBuilder response) {
    CacheControl cache = new CacheControl();
    cache.setMaxAge(3600);
    cache.setPrivate(false);
    return response.cacheControl(cache).build();
  }
}
