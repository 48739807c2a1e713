package dev.capstan.api.access;

import dev.capstan.access.User;
import dev.capstan.api.status.Statuses;
import jakarta.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * kube-apiserver's impersonation filter: {@code Impersonate-User}, {@code Impersonate-Group},
 * {@code Impersonate-Uid} and {@code Impersonate-Extra-<key>} headers make the request act as
 * another user, provided the requester is allowed the {@code impersonate} verb on each
 * ({@code users}, {@code serviceaccounts} for a {@code system:serviceaccount:<ns>:<name>} user,
 * {@code groups}, {@code uids} and {@code userextras/<key>} of {@code authentication.k8s.io}).
 * The impersonated user is in {@code system:authenticated}; a ServiceAccount impersonated
 * without groups gets its fixed groups.
 */
public final class Impersonation {

  static final String USER = "Impersonate-User";
  static final String GROUP = "Impersonate-Group";
  static final String UID = "Impersonate-Uid";
  static final String EXTRA_PREFIX = "impersonate-extra-";
  private static final String SA_PREFIX = "system:serviceaccount:";

  /** The user to act as, or the Status refusing the request. */
  record Outcome(User user, JsonObject refusal) {}

  /** The request's headers, as the servlet API gives them. */
  interface Headers {
    String get(String name);

    List<String> all(String name);

    List<String> names();
  }

  private Impersonation() {}

  static boolean requested(Headers headers) {
    return headers.names().stream().anyMatch(name -> {
      String lower = name.toLowerCase(Locale.ROOT);
      return lower.equals("impersonate-user") || lower.equals("impersonate-group")
          || lower.equals("impersonate-uid") || lower.startsWith(EXTRA_PREFIX);
    });
  }

  /**
   * @param authorize the authorizer chain
   */
  static Outcome impersonate(User requester, Headers headers, String path,
      BiFunction<User, RequestInfo, Decision> authorize) {
    String requestedUser = headers.get(USER);
    List<String> groupsRequested = headers.all(GROUP);
    String requestedUid = headers.get(UID);
    Map<String, List<String>> extraRequested = new LinkedHashMap<>();
    for (String name : headers.names()) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.startsWith(EXTRA_PREFIX)) {
        String key = URLDecoder.decode(lower.substring(EXTRA_PREFIX.length()),
            StandardCharsets.UTF_8);
        extraRequested.computeIfAbsent(key, k -> new ArrayList<>()).addAll(headers.all(name));
      }
    }
    boolean hasUser = requestedUser != null && !requestedUser.isEmpty();
    if (!hasUser) {
      return new Outcome(null, Statuses.internalError("Internal error occurred: requested "
          + "impersonation of groups, uid or extra without impersonating a user"));
    }
    List<RequestInfo> checks = new ArrayList<>();
    String username = requestedUser;
    List<String> groups = new ArrayList<>();
    String[] sa = serviceAccount(requestedUser);
    if (sa != null) {
      checks.add(check(path, "", sa[0], "serviceaccounts", "", sa[1]));
      if (groupsRequested.isEmpty()) {
        groups.add("system:serviceaccounts");
        groups.add("system:serviceaccounts:" + sa[0]);
      }
    } else {
      checks.add(check(path, "", "", "users", "", requestedUser));
    }
    for (String group : groupsRequested) {
      checks.add(check(path, "", "", "groups", "", group));
      groups.add(group);
    }
    Map<String, List<String>> extra = new LinkedHashMap<>();
    extraRequested.forEach((key, values) -> {
      for (String value : values) {
        checks.add(check(path, "authentication.k8s.io", "", "userextras", key, value));
        extra.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
      }
    });
    String uid = "";
    if (requestedUid != null && !requestedUid.isEmpty()) {
      checks.add(check(path, "authentication.k8s.io", "", "uids", "", requestedUid));
      uid = requestedUid;
    }
    for (RequestInfo check : checks) {
      Decision decision = authorize.apply(requester, check);
      if (!decision.allowed()) {
        return new Outcome(null, Forbidden.status(requester, check, decision.reason()));
      }
    }
    if (!groups.contains(User.AUTHENTICATED) && !groups.contains("system:unauthenticated")) {
      groups.add(User.AUTHENTICATED);
    }
    return new Outcome(new User(username, uid, groups, extra), null);
  }

  private static RequestInfo check(String path, String group, String namespace, String resource,
      String subresource, String name) {
    return new RequestInfo(true, "impersonate", path, group,
        group.isEmpty() ? "v1" : "v1", namespace, resource, subresource, name);
  }

  /** {@code [namespace, name]} of a {@code system:serviceaccount:<ns>:<name>} user, or null. */
  private static String[] serviceAccount(String user) {
    if (!user.startsWith(SA_PREFIX)) {
      return null;
    }
    String[] parts = user.substring(SA_PREFIX.length()).split(":", -1);
    return parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty() ? parts : null;
  }

  /**
   * For doors that answer refusals their own way (the WebSocket handshake): the user the
   * request acts as (the requester without impersonation headers), or empty if impersonation
   * was refused.
   */
  public static java.util.Optional<User> actingAs(User requester,
      Map<String, List<String>> headers, String path, AccessControl access) {
    Headers view = new Headers() {
      @Override
      public String get(String name) {
        List<String> values = all(name);
        return values.isEmpty() ? null : values.get(0);
      }

      @Override
      public List<String> all(String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
            .flatMap(e -> e.getValue().stream()).toList();
      }

      @Override
      public List<String> names() {
        return List.copyOf(headers.keySet());
      }
    };
    if (!requested(view)) {
      return java.util.Optional.of(requester);
    }
    return java.util.Optional.ofNullable(impersonate(requester, view, path, access::authorize)
        .user());
  }

  /** The servlet request's headers. */
  static Headers of(jakarta.servlet.http.HttpServletRequest request) {
    return new Headers() {
      @Override
      public String get(String name) {
        return request.getHeader(name);
      }

      @Override
      public List<String> all(String name) {
        Enumeration<String> values = request.getHeaders(name);
        return values == null ? List.of() : Collections.list(values);
      }

      @Override
      public List<String> names() {
        Enumeration<String> names = request.getHeaderNames();
        return names == null ? List.of() : Collections.list(names);
      }
    };
  }
}
