package dev.capstan.api.authentication;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.access.User;
import dev.capstan.api.access.AccessControl;
import dev.capstan.api.serviceaccounts.ServiceAccountTokenService;
import dev.capstan.api.status.Statuses;
import dev.capstan.jsonp.Json;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /apis/authentication.k8s.io/v1/tokenreviews}: tells whether a token is valid and
 * whose it is (what webhook authenticators and pods verifying their peers ask). ServiceAccount
 * tokens are checked for the requested audiences (default the API's); other tokens (the static
 * token file) only count for the API's audiences, as kube-apiserver's audience-agnostic
 * authenticators do. Nothing is stored.
 */
@Path("apis/authentication.k8s.io/v1/tokenreviews")
public class TokenReviewResource {

  @Inject
  private ServiceAccountTokenService serviceAccountTokens;

  @Inject
  private AccessControl access;

  @POST
  @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
  @Produces(MediaType.APPLICATION_JSON)
  public Response review(String body) {
    JsonObject review;
    try {
      review = Json.createReader(new StringReader(body)).readObject();
    } catch (RuntimeException e) {
      throw Statuses.badRequest("the body is not a TokenReview: " + e.getMessage());
    }
    JsonObject spec = object(review, "spec");
    String token = spec.getString("token", "");
    List<String> audiences = spec.get("audiences") instanceof JsonArray array
        ? array.stream().filter(JsonString.class::isInstance)
            .map(value -> ((JsonString) value).getString()).toList()
        : List.of();
    JsonObjectBuilder status = Json.createObjectBuilder();
    if (token.isEmpty()) {
      status.add("user", Json.createObjectBuilder()).add("error", "token is required");
    } else {
      ServiceAccountTokenService.Review result = serviceAccountTokens.review(token, audiences);
      Optional<User> user = result.user();
      List<String> matched = result.audiences();
      if (user.isEmpty() && result.error().isEmpty()) {
        List<String> api = serviceAccountTokens.tokens().map(t -> t.apiAudiences())
            .orElse(List.of());
        boolean forApi = audiences.isEmpty() || audiences.stream().anyMatch(api::contains);
        user = forApi ? access.authenticate("Bearer " + token) : Optional.empty();
        matched = audiences.isEmpty() ? api
            : audiences.stream().filter(api::contains).toList();
      }
      if (user.isPresent()) {
        status.add("authenticated", true).add("user", userJson(user.get().authenticated()))
            .add("audiences", Json.createArrayBuilder(matched));
      } else {
        status.add("user", Json.createObjectBuilder());
        if (!result.error().isEmpty()) {
          status.add("error", result.error());
        }
      }
    }
    JsonObjectBuilder answeredSpec = Json.createObjectBuilder().add("token", token);
    if (!audiences.isEmpty()) {
      answeredSpec.add("audiences", Json.createArrayBuilder(audiences));
    }
    JsonObject answer = Json.createObjectBuilder()
        .add("kind", "TokenReview")
        .add("apiVersion", "authentication.k8s.io/v1")
        .add("metadata", Json.createObjectBuilder().add("creationTimestamp", JsonValue.NULL))
        .add("spec", answeredSpec)
        .add("status", status)
        .build();
    return Response.status(201).entity(answer).type(MediaType.APPLICATION_JSON_TYPE).build();
  }

  static JsonObject userJson(User user) {
    JsonObjectBuilder json = Json.createObjectBuilder().add("username", user.name());
    if (!user.uid().isEmpty()) {
      json.add("uid", user.uid());
    }
    json.add("groups", Json.createArrayBuilder(user.groups()));
    if (!user.extra().isEmpty()) {
      JsonObjectBuilder extra = Json.createObjectBuilder();
      user.extra().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
          .forEach(entry -> extra.add(entry.getKey(), Json.createArrayBuilder(entry.getValue())));
      json.add("extra", extra);
    }
    return json.build();
  }
}
