package dev.capstan.api.access;

import dev.capstan.access.User;
import dev.capstan.api.status.Statuses;
import jakarta.json.JsonObject;

/** The 403 a refused request gets, worded as kube-apiserver words it. */
public final class Forbidden {

  private Forbidden() {}

  /**
   * E.g. {@code User "jane" cannot create resource "pods" in API group "" in the namespace "a"},
   * {@code ... at the cluster scope}, or {@code User "jane" cannot get path "/metrics"}.
   */
  public static String message(User user, RequestInfo request) {
    if (!request.resourceRequest()) {
      return "User \"" + user.name() + "\" cannot " + request.verb() + " path \""
          + request.path() + "\"";
    }
    String where = request.namespace().isEmpty() ? "at the cluster scope"
        : "in the namespace \"" + request.namespace() + "\"";
    return "User \"" + user.name() + "\" cannot " + request.verb() + " resource \""
        + request.resourceWithSubresource() + "\" in API group \"" + request.apiGroup() + "\" "
        + where;
  }

  /**
   * The Status: {@code pods "x" is forbidden: User ...}, {@code deployments.apps is forbidden:
   * ...} for a collection, {@code forbidden: User ...} for a path; the authorizer's reason, if
   * any, follows after a colon.
   */
  public static JsonObject status(User user, RequestInfo request, String reason) {
    String message = message(user, request) + (reason.isEmpty() ? "" : ": " + reason);
    if (!request.resourceRequest()) {
      return Statuses.failure(403, "Forbidden", "forbidden: " + message);
    }
    String qualified = request.apiGroup().isEmpty() ? request.resource()
        : request.resource() + "." + request.apiGroup();
    String subject = request.name().isEmpty() ? qualified
        : qualified + " \"" + request.name() + "\"";
    return Statuses.forbidden(request.resource(), request.name(),
        subject + " is forbidden: " + message).status();
  }
}
