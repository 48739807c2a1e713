package dev.capstan.api.access;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a request asks to do, in the terms authorization decides on (Kubernetes'
 * {@code RequestInfo}, parsed the way kube-apiserver's {@code RequestInfoFactory} parses it).
 *
 * <p>A <em>resource request</em> names a kind under {@code /api/v1} or
 * {@code /apis/<group>/<version>}: its verb is {@code get}, {@code list}, {@code watch},
 * {@code create}, {@code update}, {@code patch}, {@code delete} or {@code deletecollection}
 * ({@code proxy} for the legacy {@code /proxy/} prefix). Anything else ({@code /healthz},
 * {@code /version}, discovery such as {@code /apis/apps}) is a <em>non-resource request</em>,
 * whose verb is the lower-cased HTTP method.
 *
 * <p>Capstan's {@code history} subresource is authorized as reading the object itself: its
 * request info is a {@code get} of the object, without subresource.
 *
 * @param resourceRequest whether the request names a resource (as above)
 * @param verb the authorization verb
 * @param path the request path, with a leading slash
 * @param apiGroup the API group, empty for the core group and non-resource requests
 * @param apiVersion the API version, empty for non-resource requests
 * @param namespace the namespace, empty for cluster-scoped and all-namespace requests
 * @param resource the resource (plural, lower case), e.g. {@code pods}
 * @param subresource e.g. {@code status}, {@code log}, {@code exec}; empty for none
 * @param name the object's name, empty for collections
 */
public record RequestInfo(boolean resourceRequest, String verb, String path, String apiGroup,
    String apiVersion, String namespace, String resource, String subresource, String name) {

  /** Subresources of a namespace that are not a namespaced resource's name. */
  private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");
  private static final Set<String> SPECIAL_VERBS = Set.of("proxy", "watch");
  /** Subresources whose streamed protocol (WebSocket) upgrades a GET. */
  private static final Set<String> CONNECT_SUBRESOURCES = Set.of("exec", "attach", "portforward");

  /** A non-resource request. */
  public static RequestInfo nonResource(String method, String path) {
    return new RequestInfo(false, method.toLowerCase(Locale.ROOT), path, "", "", "", "", "", "");
  }

  /**
   * Parses a request.
   *
   * @param method the HTTP method
   * @param path the request path (decoded), e.g. {@code /api/v1/namespaces/a/pods}
   * @param query the query parameters ({@code watch}, {@code fieldSelector} matter)
   * @param upgrade whether the request asks to upgrade the connection (WebSocket or SPDY); the
   *     verb is the method's all the same, as in kube-apiserver (see {@link #alsoRequired})
   */
  public static RequestInfo parse(String method, String path, Map<String, List<String>> query,
      boolean upgrade) {
    String normalized = "/" + path.replaceAll("^/+", "");
    List<String> parts = Arrays.stream(normalized.split("/")).filter(p -> !p.isEmpty()).toList();
    int versionIndex;
    String group;
    if (parts.size() >= 2 && parts.get(0).equals("api")) {
      group = "";
      versionIndex = 1;
    } else if (parts.size() >= 3 && parts.get(0).equals("apis")) {
      group = parts.get(1);
      versionIndex = 2;
    } else {
      return nonResource(method, normalized);
    }
    String version = parts.get(versionIndex);
    List<String> rest = parts.subList(versionIndex + 1, parts.size());
    if (rest.isEmpty()) {
      // discovery of one group version
      return nonResource(method, normalized);
    }
    String verb = switch (method.toUpperCase(Locale.ROOT)) {
      case "POST" -> "create";
      case "GET", "HEAD" -> "get";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> "delete";
      default -> "";
    };
    if (SPECIAL_VERBS.contains(rest.get(0))) {
      if (rest.size() < 2) {
        return nonResource(method, normalized);
      }
      verb = rest.get(0);
      rest = rest.subList(1, rest.size());
    }
    String namespace = "";
    if (rest.get(0).equals("namespaces")) {
      if (rest.size() > 1) {
        namespace = rest.get(1);
        if (rest.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(rest.get(2))) {
          rest = rest.subList(2, rest.size());
        }
      }
    }
    String resource = rest.get(0);
    String name = rest.size() >= 2 ? rest.get(1) : "";
    String subresource = rest.size() >= 3 && !verb.equals("proxy") ? rest.get(2) : "";
    if (resource.equals("namespaces") && !name.isEmpty()) {
      // a namespace object: its namespace is itself, as Kubernetes records it
      namespace = name;
    }
    if (name.isEmpty() && verb.equals("get")) {
      verb = isTrue(query, "watch") ? "watch" : "list";
      name = fieldSelectedName(query);
    } else if (name.isEmpty() && verb.equals("delete")) {
      verb = "deletecollection";
    } else if (verb.equals("watch") && name.isEmpty()) {
      name = fieldSelectedName(query);
    }
    if (subresource.equals("history") && verb.equals("get")) {
      subresource = "";
    }
    return new RequestInfo(true, verb, normalized, group, version, namespace, resource,
        subresource, name);
  }

  /**
   * What a request needs besides its own verb: a {@code GET} that opens an exec, attach or
   * port-forward session (a WebSocket upgrade; kubectl's default since 1.30) needs {@code create}
   * on the same subresource too, as Kubernetes 1.35 checks it
   * ({@code AuthorizePodWebsocketUpgradeCreatePermission}), so that {@code get} alone, which
   * read-only roles grant, opens no shell; SPDY's {@code POST} is a {@code create} already.
   */
  public java.util.Optional<RequestInfo> alsoRequired() {
    if (!resourceRequest || !verb.equals("get") || !CONNECT_SUBRESOURCES.contains(subresource)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new RequestInfo(true, "create", path, apiGroup, apiVersion,
        namespace, resource, subresource, name));
  }

  /** {@code resource} or {@code resource/subresource}. */
  public String resourceWithSubresource() {
    return subresource.isEmpty() ? resource : resource + "/" + subresource;
  }

  private static boolean isTrue(Map<String, List<String>> query, String parameter) {
    List<String> values = query.get(parameter);
    return values != null && !values.isEmpty()
        && (values.get(0).equals("1") || values.get(0).equalsIgnoreCase("true"));
  }

  /** A list or watch selecting one name ({@code fieldSelector=metadata.name=x}) names it. */
  private static String fieldSelectedName(Map<String, List<String>> query) {
    List<String> selectors = query.get("fieldSelector");
    if (selectors == null || selectors.isEmpty()) {
      return "";
    }
    for (String term : selectors.get(0).split(",")) {
      String trimmed = term.trim();
      if (trimmed.startsWith("metadata.name==")) {
        return trimmed.substring("metadata.name==".length());
      }
      if (trimmed.startsWith("metadata.name=")) {
        return trimmed.substring("metadata.name=".length());
      }
    }
    return "";
  }
}
