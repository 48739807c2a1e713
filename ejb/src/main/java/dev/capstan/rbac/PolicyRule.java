package dev.capstan.rbac;

import dev.capstan.jsonp.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.List;

/**
 * One rule of a Role or ClusterRole ({@code rbac.authorization.k8s.io/v1 PolicyRule}) and how a
 * request matches it, exactly as Kubernetes' RBAC authorizer ({@code RuleAllows}) matches:
 * {@code *} in verbs, apiGroups and resources; {@code &#42;/sub} for a subresource of any resource;
 * resourceNames only when the request names an object (a create or a list without a name never
 * matches a rule with resourceNames); nonResourceURLs exact or with a trailing {@code *}.
 * Kubernetes has no {@code pods/*} wildcard: such an entry matches only itself.
 */
public record PolicyRule(List<String> verbs, List<String> apiGroups, List<String> resources,
    List<String> resourceNames, List<String> nonResourceURLs) {

  public static final String ALL = "*";

  public PolicyRule {
    verbs = List.copyOf(verbs);
    apiGroups = List.copyOf(apiGroups);
    resources = List.copyOf(resources);
    resourceNames = List.copyOf(resourceNames);
    nonResourceURLs = List.copyOf(nonResourceURLs);
  }

  public static PolicyRule resources(List<String> verbs, List<String> groups,
      List<String> resources) {
    return new PolicyRule(verbs, groups, resources, List.of(), List.of());
  }

  public static PolicyRule urls(List<String> verbs, List<String> urls) {
    return new PolicyRule(verbs, List.of(), List.of(), List.of(), urls);
  }

  /** Whether this rule allows a resource request. */
  public boolean allowsResource(String verb, String apiGroup, String resource,
      String subresource, String name) {
    return matchesVerb(verb) && (apiGroups.contains(ALL) || apiGroups.contains(apiGroup))
        && matchesResource(resource, subresource)
        && (resourceNames.isEmpty() || resourceNames.contains(name));
  }

  /** Whether this rule allows a non-resource request (a path such as {@code /healthz}). */
  public boolean allowsNonResource(String verb, String path) {
    if (!matchesVerb(verb)) {
      return false;
    }
    for (String url : nonResourceURLs) {
      if (url.equals(ALL) || url.equals(path)
          || (url.endsWith("*") && path.startsWith(url.substring(0, url.length() - 1)))) {
        return true;
      }
    }
    return false;
  }

  private boolean matchesVerb(String verb) {
    return verbs.contains(ALL) || verbs.contains(verb);
  }

  private boolean matchesResource(String resource, String subresource) {
    String combined = subresource.isEmpty() ? resource : resource + "/" + subresource;
    for (String ruleResource : resources) {
      if (ruleResource.equals(ALL) || ruleResource.equals(combined)) {
        return true;
      }
      if (!subresource.isEmpty() && ruleResource.equals("*/" + subresource)) {
        return true;
      }
    }
    return false;
  }

  /** The rule as {@code rules[]} items are stored. */
  public JsonObject toJson() {
    JsonObjectBuilder rule = Json.createObjectBuilder().add("verbs", array(verbs));
    if (!apiGroups.isEmpty()) {
      rule.add("apiGroups", array(apiGroups));
    }
    if (!resources.isEmpty()) {
      rule.add("resources", array(resources));
    }
    if (!resourceNames.isEmpty()) {
      rule.add("resourceNames", array(resourceNames));
    }
    if (!nonResourceURLs.isEmpty()) {
      rule.add("nonResourceURLs", array(nonResourceURLs));
    }
    return rule.build();
  }

  public static PolicyRule fromJson(JsonObject rule) {
    return new PolicyRule(strings(rule, "verbs"), strings(rule, "apiGroups"),
        strings(rule, "resources"), strings(rule, "resourceNames"),
        strings(rule, "nonResourceURLs"));
  }

  /** The rules of a role's {@code rules} array (empty when it has none). */
  public static List<PolicyRule> rulesOf(JsonObject role) {
    if (!(role.get("rules") instanceof JsonArray rules)) {
      return List.of();
    }
    return rules.stream().filter(JsonObject.class::isInstance)
        .map(rule -> fromJson((JsonObject) rule)).toList();
  }

  static List<String> strings(JsonObject object, String field) {
    if (!(object.get(field) instanceof JsonArray array)) {
      return List.of();
    }
    return array.stream().filter(JsonString.class::isInstance)
        .map(value -> ((JsonString) value).getString()).toList();
  }

  private static JsonArrayBuilder array(List<String> values) {
    JsonArrayBuilder array = Json.createArrayBuilder();
    values.forEach(array::add);
    return array;
  }

  /**
   * Kubernetes' {@code CompactString}, as escalation refusals print rules:
   * {@code {APIGroups:[""], Resources:["pods"], Verbs:["create"]}}.
   */
  public String compactString() {
    StringBuilder text = new StringBuilder("{");
    String separator = "";
    for (var part : List.of(List.of("APIGroups", apiGroups), List.of("Resources", resources),
        List.of("NonResourceURLs", nonResourceURLs), List.of("ResourceNames", resourceNames),
        List.of("Verbs", verbs))) {
      @SuppressWarnings("unchecked")
      List<String> values = (List<String>) part.get(1);
      if (!values.isEmpty()) {
        text.append(separator).append(part.get(0)).append(':').append(quoted(values));
        separator = ", ";
      }
    }
    return text.append('}').toString();
  }

  /** Go's {@code %q} of a string slice: {@code ["a" "b"]}. */
  public static String quoted(List<String> values) {
    StringBuilder text = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      text.append(i == 0 ? "" : " ").append(JsonValue.class.cast(Json.createValue(values.get(i))));
    }
    return text.append(']').toString();
  }
}
