package dev.capstan.api.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.access.User;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestInfoTest {

  private static RequestInfo parse(String method, String path, String query) {
    return RequestInfo.parse(method, path, AccessFilter.query(query), false);
  }

  @Test
  void namespacedCollectionsAndObjects() {
    assertThat(parse("GET", "/api/v1/namespaces/a/pods", null)).isEqualTo(new RequestInfo(true,
        "list", "/api/v1/namespaces/a/pods", "", "v1", "a", "pods", "", ""));
    assertThat(parse("GET", "/api/v1/namespaces/a/pods", "watch=1").verb()).isEqualTo("watch");
    assertThat(parse("GET", "/api/v1/namespaces/a/pods", "watch=true&fieldSelector="
        + "metadata.name%3Dweb").name()).isEqualTo("web");
    assertThat(parse("POST", "/api/v1/namespaces/a/pods", null).verb()).isEqualTo("create");
    assertThat(parse("DELETE", "/api/v1/namespaces/a/pods", null).verb())
        .isEqualTo("deletecollection");
    RequestInfo scale = parse("PATCH", "/apis/apps/v1/namespaces/a/deployments/web/scale", null);
    assertThat(List.of(scale.verb(), scale.apiGroup(), scale.apiVersion(), scale.namespace(),
        scale.resource(), scale.name(), scale.subresource()))
        .containsExactly("patch", "apps", "v1", "a", "deployments", "web", "scale");
  }

  @Test
  void clusterScopedObjectsAndNamespacesThemselves() {
    RequestInfo node = parse("PUT", "/api/v1/nodes/n1/status", null);
    assertThat(List.of(node.verb(), node.namespace(), node.resource(), node.name(),
        node.subresource())).containsExactly("update", "", "nodes", "n1", "status");
    RequestInfo namespace = parse("GET", "/api/v1/namespaces/a", null);
    assertThat(List.of(namespace.verb(), namespace.namespace(), namespace.resource(),
        namespace.name())).containsExactly("get", "a", "namespaces", "a");
    RequestInfo finalize = parse("PUT", "/api/v1/namespaces/a/finalize", null);
    assertThat(List.of(finalize.resource(), finalize.name(), finalize.subresource()))
        .containsExactly("namespaces", "a", "finalize");
    assertThat(parse("GET", "/api/v1/namespaces", null).verb()).isEqualTo("list");
  }

  @Test
  void discoveryAndOtherPathsAreNonResourceRequests() {
    for (String path : List.of("/api", "/api/v1", "/apis", "/apis/apps", "/apis/apps/v1",
        "/healthz", "/metrics", "/openapi/v3/apis/apps/v1", "/version")) {
      RequestInfo info = parse("GET", path, null);
      assertThat(info.resourceRequest()).as(path).isFalse();
      assertThat(info.verb()).as(path).isEqualTo("get");
      assertThat(info.path()).isEqualTo(path);
    }
    assertThat(parse("POST", "/metrics", null).verb()).isEqualTo("post");
  }

  @Test
  void streamedSubresourcesCreateASessionAndHistoryIsReadingTheObject() {
    // a WebSocket GET is a get, as in kube-apiserver, that also needs create (Kubernetes 1.35)
    RequestInfo webSocket = RequestInfo.parse("GET", "/api/v1/namespaces/a/pods/p/exec",
        Map.of(), true);
    assertThat(webSocket.verb()).isEqualTo("get");
    assertThat(webSocket.alsoRequired().map(RequestInfo::verb)).contains("create");
    assertThat(webSocket.alsoRequired().map(RequestInfo::resourceWithSubresource))
        .contains("pods/exec");
    assertThat(parse("GET", "/api/v1/namespaces/a/pods/p/portforward", null).alsoRequired())
        .isPresent();
    assertThat(parse("POST", "/api/v1/namespaces/a/pods/p/exec", null).alsoRequired()).isEmpty();
    assertThat(parse("GET", "/api/v1/namespaces/a/pods/p/log", null).alsoRequired()).isEmpty();
    assertThat(parse("GET", "/api/v1/namespaces/a/pods/p/log", null).verb()).isEqualTo("get");
    RequestInfo history = parse("GET", "/api/v1/namespaces/a/secrets/s/history", null);
    assertThat(List.of(history.verb(), history.resource(), history.subresource(),
        history.name())).containsExactly("get", "secrets", "", "s");
  }

  @Test
  void legacyProxyAndWatchPrefixes() {
    RequestInfo proxy = parse("GET", "/api/v1/proxy/namespaces/a/services/web/x/y", null);
    assertThat(List.of(proxy.verb(), proxy.namespace(), proxy.resource(), proxy.name(),
        proxy.subresource())).containsExactly("proxy", "a", "services", "web", "");
    RequestInfo watch = parse("GET", "/api/v1/watch/namespaces/a/pods", null);
    assertThat(List.of(watch.verb(), watch.namespace(), watch.resource()))
        .containsExactly("watch", "a", "pods");
  }

  @Test
  void refusalsAreWordedAsKubernetesWordsThem() {
    User reader = new User("system:serviceaccount:team-a:reader", "", List.of());
    assertThat(Forbidden.status(reader, parse("POST", "/api/v1/namespaces/team-a/pods", null),
        "").getString("message")).isEqualTo("pods is forbidden: User "
        + "\"system:serviceaccount:team-a:reader\" cannot create resource \"pods\" in API group"
        + " \"\" in the namespace \"team-a\"");
    assertThat(Forbidden.status(reader, parse("GET", "/apis/apps/v1/namespaces/b/deployments/web",
        null), "").getString("message")).isEqualTo("deployments.apps \"web\" is forbidden: User "
        + "\"system:serviceaccount:team-a:reader\" cannot get resource \"deployments\" in API "
        + "group \"apps\" in the namespace \"b\"");
    assertThat(Forbidden.status(reader, parse("GET", "/api/v1/nodes", null), "")
        .getString("message")).endsWith("cannot list resource \"nodes\" in API group \"\" at "
        + "the cluster scope");
    assertThat(Forbidden.status(reader, parse("GET", "/metrics", null), "")
        .getString("message")).isEqualTo("forbidden: User "
        + "\"system:serviceaccount:team-a:reader\" cannot get path \"/metrics\"");
    assertThat(Forbidden.status(reader, parse("GET", "/metrics", null), "").getInt("code"))
        .isEqualTo(403);
  }
}
