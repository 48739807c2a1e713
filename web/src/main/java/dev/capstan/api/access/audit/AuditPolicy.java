package dev.capstan.api.access.audit;

import dev.capstan.access.User;
import dev.capstan.api.access.RequestInfo;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * An audit policy in Kubernetes' format ({@code audit.k8s.io/v1} {@code Policy}): the first
 * rule matching a request gives its level; none matching means no event.
 *
 * @param rules the rules, in order
 * @param omitStages stages never written
 * @param omitManagedFields whether bodies are written without {@code metadata.managedFields}
 */
public record AuditPolicy(List<PolicyRule> rules, Set<AuditStage> omitStages,
    boolean omitManagedFields) {

  /** Resources whose bodies are never written, whatever the policy says. */
  private static final Set<String> SECRET_RESOURCES = Set.of("secrets",
      "serviceaccounts/token", "tokenreviews", "tokenrequests");

  /**
   * What the policy decides for one request.
   *
   * @param level the level, at most {@link AuditLevel#Metadata} for secret-bearing resources
   * @param omitStages the stages not to write
   * @param omitManagedFields whether bodies lose {@code metadata.managedFields}
   */
  public record Decision(AuditLevel level, Set<AuditStage> omitStages,
      boolean omitManagedFields) {
    public static final Decision NONE = new Decision(AuditLevel.None, Set.of(), false);

    public boolean writes(AuditStage stage) {
      return level != AuditLevel.None && !omitStages.contains(stage);
    }
  }

  /** The decision for a request; {@code user} is null when it is not authenticated. */
  public Decision evaluate(User user, RequestInfo info) {
    for (PolicyRule rule : rules) {
      if (rule.matches(user, info)) {
        Set<AuditStage> omitted = EnumSet.noneOf(AuditStage.class);
        omitted.addAll(omitStages);
        omitted.addAll(rule.omitStages());
        AuditLevel level = rule.level();
        if (bodiesSecret(info) && level.atLeast(AuditLevel.Request)) {
          level = AuditLevel.Metadata;
        }
        return new Decision(level, omitted, omitManagedFields);
      }
    }
    return Decision.NONE;
  }

  /** Whether the request's bodies may carry secrets or tokens. */
  static boolean bodiesSecret(RequestInfo info) {
    if (!info.resourceRequest()) {
      return false;
    }
    String full = info.subresource().isEmpty()
        ? info.resource() : info.resource() + "/" + info.subresource();
    return SECRET_RESOURCES.contains(info.resource()) || SECRET_RESOURCES.contains(full)
        || info.subresource().equals("token");
  }

  /**
   * Reads a policy.
   *
   * @throws IllegalArgumentException naming the field that is wrong
   */
  public static AuditPolicy parse(String yaml) {
    Object document;
    try {
      document = new Load(LoadSettings.builder().build()).loadFromString(yaml);
    } catch (YamlEngineException e) {
      throw new IllegalArgumentException("not valid YAML: " + e.getMessage());
    }
    if (!(document instanceof Map<?, ?> policy)) {
      throw new IllegalArgumentException("expected a Policy object");
    }
    if (!"audit.k8s.io/v1".equals(policy.get("apiVersion"))) {
      throw new IllegalArgumentException("apiVersion: Unsupported value: \""
          + policy.get("apiVersion") + "\": supported values: \"audit.k8s.io/v1\"");
    }
    if (!"Policy".equals(policy.get("kind"))) {
      throw new IllegalArgumentException("kind: Unsupported value: \"" + policy.get("kind")
          + "\": supported values: \"Policy\"");
    }
    List<?> rawRules = list(policy.get("rules"), "rules");
    List<PolicyRule> rules = new ArrayList<>();
    for (int i = 0; i < rawRules.size(); i++) {
      rules.add(rule(rawRules.get(i), "rules[" + i + "]"));
    }
    Object omitManaged = policy.get("omitManagedFields");
    if (omitManaged != null && !(omitManaged instanceof Boolean)) {
      throw new IllegalArgumentException("omitManagedFields: Invalid value: must be a boolean");
    }
    return new AuditPolicy(List.copyOf(rules), stages(policy.get("omitStages"), "omitStages"),
        Boolean.TRUE.equals(omitManaged));
  }

  private static PolicyRule rule(Object raw, String field) {
    if (!(raw instanceof Map<?, ?> rule)) {
      throw new IllegalArgumentException(field + ": Invalid value: must be an object");
    }
    if (rule.get("level") == null) {
      throw new IllegalArgumentException(field + ".level: Required value");
    }
    AuditLevel level;
    try {
      level = AuditLevel.parse(String.valueOf(rule.get("level")));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + "." + e.getMessage());
    }
    List<PolicyRule.GroupResources> resources = new ArrayList<>();
    List<?> rawResources = list(rule.get("resources"), field + ".resources");
    for (int i = 0; i < rawResources.size(); i++) {
      String at = field + ".resources[" + i + "]";
      if (!(rawResources.get(i) instanceof Map<?, ?> group)) {
        throw new IllegalArgumentException(at + ": Invalid value: must be an object");
      }
      Object name = group.get("group");
      resources.add(new PolicyRule.GroupResources(name == null ? "" : String.valueOf(name),
          strings(group.get("resources"), at + ".resources"),
          strings(group.get("resourceNames"), at + ".resourceNames")));
    }
    Set<String> namespaces = strings(rule.get("namespaces"), field + ".namespaces");
    List<String> urls = List.copyOf(strings(rule.get("nonResourceURLs"),
        field + ".nonResourceURLs"));
    if (!urls.isEmpty() && (!resources.isEmpty() || !namespaces.isEmpty())) {
      throw new IllegalArgumentException(field + ".nonResourceURLs: Invalid value: "
          + "rules cannot apply to both regular resources and non-resource URLs");
    }
    for (String url : urls) {
      if (url.indexOf('*') >= 0 && url.indexOf('*') != url.length() - 1) {
        throw new IllegalArgumentException(field + ".nonResourceURLs: Invalid value: \"" + url
            + "\": non-resource URL wildcards are only allowed at the end");
      }
    }
    return new PolicyRule(level, strings(rule.get("users"), field + ".users"),
        strings(rule.get("userGroups"), field + ".userGroups"),
        strings(rule.get("verbs"), field + ".verbs"), List.copyOf(resources), namespaces, urls,
        stages(rule.get("omitStages"), field + ".omitStages"));
  }

  private static Set<AuditStage> stages(Object raw, String field) {
    Set<AuditStage> stages = EnumSet.noneOf(AuditStage.class);
    for (String value : strings(raw, field)) {
      try {
        stages.add(AuditStage.parse(value));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(field + e.getMessage().substring(
            "omitStages".length()));
      }
    }
    return Set.copyOf(stages);
  }

  private static List<?> list(Object raw, String field) {
    if (raw == null) {
      return List.of();
    }
    if (!(raw instanceof List<?> values)) {
      throw new IllegalArgumentException(field + ": Invalid value: must be a list");
    }
    return values;
  }

  private static Set<String> strings(Object raw, String field) {
    Set<String> values = new LinkedHashSet<>();
    for (Object value : list(raw, field)) {
      if (!(value instanceof String text)) {
        throw new IllegalArgumentException(field + ": Invalid value: must be strings");
      }
      values.add(text);
    }
    return values;
  }
}
