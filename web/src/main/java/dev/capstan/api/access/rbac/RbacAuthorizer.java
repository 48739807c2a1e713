package dev.capstan.api.access.rbac;

import dev.capstan.access.User;
import dev.capstan.api.access.Authorizer;
import dev.capstan.api.access.Decision;
import dev.capstan.api.access.RequestInfo;
import dev.capstan.rbac.PolicyRule;
import dev.capstan.rbac.PolicySnapshot;
import dev.capstan.rbac.RbacPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kubernetes' RBAC authorization mode: allows what a rule bound to the user allows, otherwise
 * has no opinion (the chain then denies), with Kubernetes' reasons ({@code RBAC: allowed by
 * ClusterRoleBinding "x" of ClusterRole "y" to User "z"}; a denial reports only the roles that
 * could not be found). Decisions are cached per user and request until any RBAC object changes
 * ({@link RbacPolicy}'s generation).
 */
@ApplicationScoped
public class RbacAuthorizer implements Authorizer {

  /** After system:masters (0); before it, the node authorizer may stand. */
  public static final int ORDER = 200;
  private static final int CACHE_LIMIT = 100_000;

  @Inject
  private RbacPolicy policy;

  private final ConcurrentHashMap<Key, Decision> cache = new ConcurrentHashMap<>();
  private volatile long cachedGeneration = -1;

  private record Key(String user, List<String> groups, RequestInfo request) {}

  @Override
  public int order() {
    return ORDER;
  }

  @Override
  public Decision authorize(User user, RequestInfo request) {
    PolicySnapshot snapshot;
    try {
      snapshot = policy.snapshot();
    } catch (RuntimeException e) {
      // the store cannot be read (database down, schema not ready): RBAC cannot allow anything;
      // system:masters, asked first, still can
      return Decision.noOpinion("RBAC: the policy cannot be read: " + e.getMessage());
    }
    if (snapshot.generation() != cachedGeneration || cache.size() > CACHE_LIMIT) {
      cache.clear();
      cachedGeneration = snapshot.generation();
    }
    // the path does not matter to a resource decision: leave it out of the key
    RequestInfo keyed = request.resourceRequest()
        ? new RequestInfo(true, request.verb(), "", request.apiGroup(), "",
            request.namespace(), request.resource(), request.subresource(), request.name())
        : request;
    return cache.computeIfAbsent(new Key(user.name(), user.groups(), keyed),
        key -> decide(snapshot, user, request));
  }

  /** The decision without the cache. */
  public static Decision decide(PolicySnapshot snapshot, User user, RequestInfo request) {
    PolicySnapshot.Resolution resolution = snapshot.resolve(user, request.namespace());
    for (PolicySnapshot.Grant grant : resolution.grants()) {
      for (PolicyRule rule : grant.rules()) {
        if (allows(rule, request)) {
          return Decision.allow("RBAC: allowed by " + grant.source());
        }
      }
    }
    List<String> errors = resolution.errors();
    String reason = errors.isEmpty() ? ""
        : "RBAC: " + (errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]");
    return Decision.noOpinion(reason);
  }

  /** Kubernetes' {@code RuleAllows}. */
  public static boolean allows(PolicyRule rule, RequestInfo request) {
    return request.resourceRequest()
        ? rule.allowsResource(request.verb(), request.apiGroup(), request.resource(),
            request.subresource(), request.name())
        : rule.allowsNonResource(request.verb(), request.path());
  }
}
