package dev.capstan.api.access.audit;

import dev.capstan.access.User;
import dev.capstan.api.access.RequestInfo;
import java.util.List;
import java.util.Set;

/**
 * One rule of an audit policy (Kubernetes' {@code PolicyRule}): the level for the requests it
 * matches. Every list left empty matches everything; a rule with {@code nonResourceURLs} matches
 * only non-resource requests, one with {@code resources} or {@code namespaces} only resource
 * requests.
 *
 * @param level the level of matching requests
 * @param users user names, empty for any
 * @param userGroups groups of which the user must be in one, empty for any
 * @param verbs verbs, empty for any
 * @param resources group resources, empty for any
 * @param namespaces namespaces ({@code ""} for cluster-scoped requests), empty for any
 * @param nonResourceURLs paths, a trailing {@code *} matching any suffix
 * @param omitStages stages not written for matching requests (besides the policy's)
 */
public record PolicyRule(AuditLevel level, Set<String> users, Set<String> userGroups,
    Set<String> verbs, List<GroupResources> resources, Set<String> namespaces,
    List<String> nonResourceURLs, Set<AuditStage> omitStages) {

  /**
   * Resources of one API group (Kubernetes' {@code GroupResources}).
   *
   * @param group the API group, {@code ""} for the core group
   * @param resources e.g. {@code pods}, {@code pods/log}, {@code pods/*}, {@code *}{@code /status}
   * @param resourceNames object names, empty for any
   */
  public record GroupResources(String group, Set<String> resources, Set<String> resourceNames) {

    boolean matches(RequestInfo info) {
      if (!group.equals(info.apiGroup())) {
        return false;
      }
      if (!resources.isEmpty()) {
        String full = info.subresource().isEmpty()
            ? info.resource() : info.resource() + "/" + info.subresource();
        boolean any = resources.contains(full) || resources.contains("*")
            || resources.contains(info.resource() + "/*")
            || !info.subresource().isEmpty() && resources.contains("*/" + info.subresource());
        if (!any) {
          return false;
        }
      }
      return resourceNames.isEmpty() || resourceNames.contains(info.name());
    }
  }

  /** Whether this rule applies to the request; {@code user} is null when unauthenticated. */
  public boolean matches(User user, RequestInfo info) {
    if (!users.isEmpty() && (user == null || !users.contains(user.name()))) {
      return false;
    }
    if (!userGroups.isEmpty()
        && (user == null || user.groups().stream().noneMatch(userGroups::contains))) {
      return false;
    }
    if (!verbs.isEmpty() && !verbs.contains(info.verb())) {
      return false;
    }
    if (!nonResourceURLs.isEmpty() || !resources.isEmpty() || !namespaces.isEmpty()) {
      if (info.resourceRequest()) {
        return (!resources.isEmpty() || !namespaces.isEmpty()) && matchesResource(info);
      }
      return matchesNonResource(info.path());
    }
    return true;
  }

  private boolean matchesResource(RequestInfo info) {
    if (!namespaces.isEmpty() && !namespaces.contains(info.namespace())) {
      return false;
    }
    return resources.isEmpty() || resources.stream().anyMatch(r -> r.matches(info));
  }

  private boolean matchesNonResource(String path) {
    for (String url : nonResourceURLs) {
      if (url.equals("*") || url.equals(path)
          || url.endsWith("*") && path.startsWith(url.substring(0, url.length() - 1))) {
        return true;
      }
    }
    return false;
  }
}
