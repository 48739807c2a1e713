package dev.capstan.rbac;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Whether one set of rules covers another (Kubernetes' {@code validation.Covers}): what
 * escalation prevention asks before someone creates a role or a binding. Each rule to grant is
 * broken down into single verb/group/resource/name rules, each of which some held rule must
 * cover; what none covers is missing.
 */
public final class Coverage {

  private Coverage() {}

  /** The rules of {@code wanted} that {@code held} does not cover (empty: covered). */
  public static List<PolicyRule> missing(List<PolicyRule> held, List<PolicyRule> wanted) {
    List<PolicyRule> missing = new ArrayList<>();
    for (PolicyRule rule : wanted) {
      for (PolicyRule single : breakdown(rule)) {
        if (held.stream().noneMatch(owner -> covers(owner, single))) {
          missing.add(single);
        }
      }
    }
    return missing;
  }

  /** Kubernetes' {@code BreakdownRule}. */
  static List<PolicyRule> breakdown(PolicyRule rule) {
    List<PolicyRule> rules = new ArrayList<>();
    for (String group : rule.apiGroups()) {
      for (String resource : rule.resources()) {
        for (String verb : rule.verbs()) {
          if (rule.resourceNames().isEmpty()) {
            rules.add(PolicyRule.resources(List.of(verb), List.of(group), List.of(resource)));
          } else {
            for (String name : rule.resourceNames()) {
              rules.add(new PolicyRule(List.of(verb), List.of(group), List.of(resource),
                  List.of(name), List.of()));
            }
          }
        }
      }
    }
    for (String url : rule.nonResourceURLs()) {
      for (String verb : rule.verbs()) {
        rules.add(PolicyRule.urls(List.of(verb), List.of(url)));
      }
    }
    return rules;
  }

  /** Kubernetes' {@code ruleCovers}. */
  static boolean covers(PolicyRule owner, PolicyRule sub) {
    boolean verbs = owner.verbs().contains(PolicyRule.ALL)
        || owner.verbs().containsAll(sub.verbs());
    boolean groups = owner.apiGroups().contains(PolicyRule.ALL)
        || owner.apiGroups().containsAll(sub.apiGroups());
    boolean resources = resourcesCover(owner.resources(), sub.resources());
    boolean urls = sub.nonResourceURLs().stream().allMatch(path -> owner.nonResourceURLs()
        .stream().anyMatch(ownerPath -> ownerPath.equals(path) || (ownerPath.endsWith("*")
            && path.startsWith(ownerPath.replaceAll("\\*+$", "")))));
    boolean names = sub.resourceNames().isEmpty() ? owner.resourceNames().isEmpty()
        : owner.resourceNames().isEmpty() || owner.resourceNames().containsAll(sub.resourceNames());
    return verbs && groups && resources && names && urls;
  }

  private static boolean resourcesCover(List<String> owner, List<String> wanted) {
    if (owner.contains(PolicyRule.ALL) || owner.containsAll(wanted)) {
      return true;
    }
    for (String path : wanted) {
      if (owner.contains(path)) {
        continue;
      }
      int slash = path.indexOf('/');
      if (slash < 0 || !owner.contains("*/" + path.substring(slash + 1))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Kubernetes' {@code CompactRules} then sorted {@code CompactString}s, one a line: how the
   * escalation refusal lists what is missing.
   */
  public static String describe(List<PolicyRule> missing) {
    Map<List<String>, PolicyRule> simple = new LinkedHashMap<>();
    List<PolicyRule> compacted = new ArrayList<>();
    for (PolicyRule rule : missing) {
      if (rule.resourceNames().size() <= 1 && rule.nonResourceURLs().isEmpty()
          && rule.apiGroups().size() == 1 && rule.resources().size() == 1) {
        List<String> key = List.of(rule.apiGroups().get(0), rule.resources().get(0),
            String.join(",", rule.resourceNames()));
        simple.merge(key, rule, (a, b) -> {
          List<String> verbs = new ArrayList<>(a.verbs());
          verbs.addAll(b.verbs());
          return new PolicyRule(verbs, a.apiGroups(), a.resources(), a.resourceNames(),
              a.nonResourceURLs());
        });
      } else {
        compacted.add(rule);
      }
    }
    compacted.addAll(simple.values());
    TreeSet<String> lines = new TreeSet<>();
    compacted.forEach(rule -> lines.add(rule.compactString()));
    return String.join("\n", lines);
  }
}
