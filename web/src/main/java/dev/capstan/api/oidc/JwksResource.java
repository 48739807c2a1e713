package dev.capstan.api.oidc;

import dev.capstan.api.serviceaccounts.ServiceAccountTokenService;
import dev.capstan.api.status.Statuses;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code /openid/v1/jwks}: the service account issuer's public keys as a JWK set (every key that
 * verifies, the signing key first), served as kube-apiserver serves it.
 */
@Path("openid/v1/jwks")
public class JwksResource {

  private static final MediaType JWK_SET = new MediaType("application", "jwk-set+json");

  @Inject
  private ServiceAccountTokenService service;

  @GET
  public Response keys() {
    if (service.tokens().isEmpty()) {
      throw Statuses.notFoundPath();
    }
    return OidcDiscoveryResource.cached(Response.ok(service.publicJwks()).type(JWK_SET));
  }
}
