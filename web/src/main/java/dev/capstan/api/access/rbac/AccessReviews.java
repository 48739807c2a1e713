package dev.capstan.api.access.rbac;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.access.RequestingUser;
import dev.capstan.access.User;
import dev.capstan.api.access.AccessControl;
import dev.capstan.api.access.Decision;
import dev.capstan.api.access.RequestInfo;
import dev.capstan.api.status.Statuses;
import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.rbac.PolicyRule;
import dev.capstan.rbac.PolicySnapshot;
import dev.capstan.rbac.RbacPolicy;
import dev.capstan.validation.FieldError;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The create-only review kinds, answered in {@code status} and never stored: access reviews
 * ({@code authorization.k8s.io/v1}: SelfSubjectAccessReview, SubjectAccessReview,
 * LocalSubjectAccessReview, SelfSubjectRulesReview), which ask the same {@link AccessControl}
 * chain the API enforces with, and {@code authentication.k8s.io} SelfSubjectReview
 * ({@code kubectl auth whoami}).
 */
@ApplicationScoped
public class AccessReviews {

  @Inject
  private AccessControl access;

  @Inject
  private RequestingUser requestingUser;

  @Inject
  private RbacPolicy policy;

  /** The review with its {@code status}. */
  public JsonObject create(ResourceType type, String namespace, JsonObject review) {
    User requester = requestingUser.get()
        .orElseThrow(() -> Statuses.forbidden("no user on the request"));
    JsonObject spec = object(review, "spec");
    JsonObjectBuilder answer = Json.createObjectBuilder()
        .add("kind", type.kind()).add("apiVersion", type.apiVersion());
    JsonObjectBuilder metadata = Json.createObjectBuilder(object(review, "metadata"));
    metadata.add("creationTimestamp", JsonValue.NULL);
    if (type == ResourceTypes.LOCAL_SUBJECT_ACCESS_REVIEW) {
      metadata.add("namespace", namespace);
    }
    answer.add("metadata", metadata);
    if (type == ResourceTypes.SELF_SUBJECT_REVIEW
        || type == ResourceTypes.SELF_SUBJECT_REVIEW_V1BETA1) {
      return answer.add("status", Json.createObjectBuilder()
          .add("userInfo", userInfo(requester))).build();
    }
    answer.add("spec", spec);
    if (type == ResourceTypes.SELF_SUBJECT_RULES_REVIEW) {
      return answer.add("status", rules(requester, spec.getString("namespace", ""))).build();
    }
    User subject = requester;
    if (type == ResourceTypes.SUBJECT_ACCESS_REVIEW
        || type == ResourceTypes.LOCAL_SUBJECT_ACCESS_REVIEW) {
      subject = new User(spec.getString("user", ""), spec.getString("uid", ""),
          strings(spec.get("groups")), extra(object(spec, "extra")));
      if (subject.name().isEmpty() && subject.groups().isEmpty()) {
        throw Statuses.invalid(type.kind(), "", List.of(FieldError.invalid("spec.user", "",
            "at least one of user or group must be specified")));
      }
    }
    boolean hasResource = spec.get("resourceAttributes") instanceof JsonObject;
    boolean hasNonResource = spec.get("nonResourceAttributes") instanceof JsonObject;
    if (hasResource == hasNonResource) {
      throw Statuses.invalid(type.kind(), "", List.of(new FieldError(
          hasResource ? "spec.resourceAttributes" : "spec.nonResourceAttributes",
          "FieldValueInvalid", "Invalid value: \"null\": exactly one of nonResourceAttributes"
              + " or resourceAttributes must be specified")));
    }
    RequestInfo asked;
    if (hasResource) {
      JsonObject attributes = spec.getJsonObject("resourceAttributes");
      String askedNamespace = attributes.getString("namespace", "");
      if (type == ResourceTypes.LOCAL_SUBJECT_ACCESS_REVIEW && !askedNamespace.equals(namespace)) {
        throw Statuses.badRequest("spec.resourceAttributes.namespace must match namespace: "
            + namespace);
      }
      asked = new RequestInfo(true, attributes.getString("verb", ""), "",
          attributes.getString("group", ""), attributes.getString("version", ""),
          askedNamespace, attributes.getString("resource", ""),
          attributes.getString("subresource", ""), attributes.getString("name", ""));
    } else {
      JsonObject attributes = spec.getJsonObject("nonResourceAttributes");
      asked = RequestInfo.nonResource(attributes.getString("verb", ""),
          attributes.getString("path", ""));
    }
    Decision decision = access.authorize(subject, asked);
    JsonObjectBuilder status = Json.createObjectBuilder().add("allowed", decision.allowed());
    if (!decision.reason().isEmpty()) {
      status.add("reason", decision.reason());
    }
    return answer.add("status", status).build();
  }

  /**
   * SelfSubjectRulesReview: the rules RBAC grants in the namespace. Other authorizers
   * (system:masters, the node authorizer) cannot list theirs, so, as Kubernetes, the list may be
   * incomplete.
   */
  private JsonObject rules(User user, String namespace) {
    PolicySnapshot.Resolution resolution = policy.snapshot().resolve(user, namespace);
    JsonArrayBuilder resourceRules = Json.createArrayBuilder();
    JsonArrayBuilder nonResourceRules = Json.createArrayBuilder();
    for (PolicyRule rule : resolution.rules()) {
      if (!rule.nonResourceURLs().isEmpty()) {
        nonResourceRules.add(Json.createObjectBuilder()
            .add("verbs", Json.createArrayBuilder(rule.verbs()))
            .add("nonResourceURLs", Json.createArrayBuilder(rule.nonResourceURLs())));
      } else {
        JsonObjectBuilder item = Json.createObjectBuilder()
            .add("verbs", Json.createArrayBuilder(rule.verbs()))
            .add("apiGroups", Json.createArrayBuilder(rule.apiGroups()))
            .add("resources", Json.createArrayBuilder(rule.resources()));
        if (!rule.resourceNames().isEmpty()) {
          item.add("resourceNames", Json.createArrayBuilder(rule.resourceNames()));
        }
        resourceRules.add(item);
      }
    }
    JsonObjectBuilder status = Json.createObjectBuilder()
        .add("resourceRules", resourceRules).add("nonResourceRules", nonResourceRules)
        .add("incomplete", !resolution.errors().isEmpty());
    if (!resolution.errors().isEmpty()) {
      status.add("evaluationError", String.join(", ", resolution.errors()));
    }
    return status.build();
  }

  private static JsonObjectBuilder userInfo(User user) {
    JsonObjectBuilder info = Json.createObjectBuilder().add("username", user.name());
    if (!user.uid().isEmpty()) {
      info.add("uid", user.uid());
    }
    info.add("groups", Json.createArrayBuilder(user.groups()));
    if (!user.extra().isEmpty()) {
      JsonObjectBuilder extra = Json.createObjectBuilder();
      user.extra().forEach((key, values) -> extra.add(key, Json.createArrayBuilder(values)));
      info.add("extra", extra);
    }
    return info;
  }

  private static List<String> strings(JsonValue value) {
    List<String> strings = new ArrayList<>();
    if (value instanceof JsonArray array) {
      array.stream().filter(JsonString.class::isInstance)
          .forEach(item -> strings.add(((JsonString) item).getString()));
    }
    return strings;
  }

  private static Map<String, List<String>> extra(JsonObject extra) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    extra.forEach((key, values) -> map.put(key, strings(values)));
    return map;
  }
}
