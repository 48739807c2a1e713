package dev.capstan.api.access.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.access.User;
import dev.capstan.api.access.Decision;
import dev.capstan.api.access.RequestInfo;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeAuthorizerTest {

  private static final User NODE_A = new User("system:node:a", "node-a",
      List.of("system:nodes", "system:authenticated"));
  private static final JsonObject POD_ON_A = json("""
      {"metadata":{"name":"web","namespace":"ns"},
       "spec":{"nodeName":"a","serviceAccountName":"runner",
        "volumes":[{"name":"s","secret":{"secretName":"mine"}},
                   {"name":"c","configMap":{"name":"settings"}},
                   {"name":"d","persistentVolumeClaim":{"claimName":"data"}}]}}""");

  /** Pods bound to node a in namespace ns: the one above; none elsewhere. */
  private static final NodeAuthorizer.BoundPods PODS = (namespace, node) ->
      namespace.equals("ns") && node.equals("a") ? List.of(POD_ON_A) : List.of();

  @ParameterizedTest
  @CsvSource({
      "GET, /api/v1/namespaces/ns/secrets/mine, ALLOW",
      "GET, /api/v1/namespaces/ns/secrets/theirs, NO_OPINION",
      "GET, /api/v1/namespaces/other/secrets/mine, NO_OPINION",
      "GET, /api/v1/namespaces/ns/secrets, NO_OPINION",
      "DELETE, /api/v1/namespaces/ns/secrets/mine, NO_OPINION",
      "GET, /api/v1/namespaces/ns/configmaps/settings, ALLOW",
      "GET, /api/v1/namespaces/ns/configmaps/other, NO_OPINION",
      "GET, /api/v1/namespaces/ns/persistentvolumeclaims/data, ALLOW",
      "GET, /api/v1/namespaces/ns/persistentvolumeclaims/else, NO_OPINION",
      "GET, /api/v1/namespaces/ns/serviceaccounts/runner, ALLOW",
      "GET, /api/v1/namespaces/ns/serviceaccounts/default, NO_OPINION",
      "GET, /api/v1/pods, ALLOW",
      "GET, /api/v1/namespaces/ns/pods/web, ALLOW",
      "GET, /api/v1/services, ALLOW",
      "GET, /api/v1/endpoints, ALLOW",
      "GET, /apis/discovery.k8s.io/v1/endpointslices, ALLOW",
      "GET, /api/v1/nodes/b, ALLOW",
      "PUT, /api/v1/nodes/a/status, ALLOW",
      "POST, /api/v1/nodes, ALLOW",
      "PUT, /api/v1/namespaces/ns/pods/web/status, ALLOW",
      "POST, /api/v1/namespaces/ns/pods, ALLOW",
      "POST, /api/v1/namespaces/ns/events, ALLOW",
      "PUT, /apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/a, ALLOW",
      "POST, /api/v1/namespaces, NO_OPINION",
      "DELETE, /api/v1/namespaces/ns, NO_OPINION",
      "POST, /apis/apps/v1/namespaces/ns/deployments, NO_OPINION",
      "PUT, /api/v1/namespaces/ns/pods/web, NO_OPINION",
      "GET, /api/v1/namespaces/ns/pods/web/log, NO_OPINION",
      "POST, /api/v1/namespaces/ns/pods/web/exec, NO_OPINION",
      "GET, /apis/rbac.authorization.k8s.io/v1/clusterroles, NO_OPINION"})
  void aNodeReadsWhatItsPodsReferenceAndDoesWhatKubeletsDo(String method, String path,
      Decision.Verdict verdict) {
    assertThat(NodeAuthorizer.decide(NODE_A, request(method, path), PODS).verdict())
        .as(method + " " + path).isEqualTo(verdict);
  }

  @Test
  void aNodeGetsTheVolumeItsPodsClaimIsBoundToAndNoOther() {
    NodeAuthorizer.BoundPods withVolumes = new NodeAuthorizer.BoundPods() {
      @Override
      public List<JsonObject> in(String namespace, String node) {
        return PODS.in(namespace, node);
      }

      @Override
      public java.util.Optional<JsonObject> volume(String name) {
        String claim = name.equals("pv-data") ? "data" : "else";
        return java.util.Optional.of(json("{\"spec\":{\"claimRef\":{\"namespace\":\"ns\","
            + "\"name\":\"" + claim + "\"}}}"));
      }
    };
    assertThat(NodeAuthorizer.decide(NODE_A, request("GET", "/api/v1/persistentvolumes/pv-data"),
        withVolumes).verdict()).isEqualTo(Decision.Verdict.ALLOW);
    assertThat(NodeAuthorizer.decide(NODE_A, request("GET", "/api/v1/persistentvolumes/pv-else"),
        withVolumes).verdict()).isEqualTo(Decision.Verdict.NO_OPINION);
    assertThat(NodeAuthorizer.decide(NODE_A, request("DELETE",
        "/api/v1/persistentvolumes/pv-data"), withVolumes).verdict())
        .isEqualTo(Decision.Verdict.NO_OPINION);
    assertThat(NodeAuthorizer.decide(NODE_A, request("GET", "/api/v1/persistentvolumes"),
        withVolumes).verdict()).isEqualTo(Decision.Verdict.NO_OPINION);
  }

  @Test
  void refusalsGiveKubernetesReasons() {
    assertThat(NodeAuthorizer.decide(NODE_A, request("GET",
        "/api/v1/namespaces/ns/secrets/theirs"), PODS).reason())
        .isEqualTo("no relationship found between node 'a' and this object");
    assertThat(NodeAuthorizer.decide(NODE_A, request("DELETE",
        "/api/v1/namespaces/ns/secrets/mine"), PODS).reason())
        .isEqualTo("can only read resources of this type");
    assertThat(NodeAuthorizer.decide(NODE_A, request("GET", "/api/v1/namespaces/ns/secrets"),
        PODS).reason()).isEqualTo("No Object name found");
  }

  @Test
  void aWatchOfOneReferencedSecretByFieldSelectorIsAllowed() {
    RequestInfo watch = RequestInfo.parse("GET", "/api/v1/namespaces/ns/secrets",
        Map.of("watch", List.of("true"), "fieldSelector", List.of("metadata.name=mine")), false);
    assertThat(NodeAuthorizer.decide(NODE_A, watch, PODS).allowed()).isTrue();
  }

  @ParameterizedTest
  @CsvSource({
      "system:node:a, system:nodes, POST, /api/v1/nodes/a/token, ALLOW",
      "system:node:a, system:nodes, POST, /api/v1/nodes/b/token, NO_OPINION",
      "system:node:a, system:nodes, GET, /api/v1/nodes/a/token, NO_OPINION",
      "system:bootstrap:a, system:bootstrappers, POST, /api/v1/nodes/a/token, ALLOW",
      "system:bootstrap:a, system:bootstrappers, POST, /api/v1/nodes/b/token, NO_OPINION",
      "system:bootstrap:a, system:bootstrappers, GET, /api/v1/nodes/a, NO_OPINION",
      "system:bootstrap:a, system:bootstrappers, PUT, /api/v1/nodes/a/status, NO_OPINION",
      "system:bootstrap:a, system:bootstrappers, GET, /api/v1/pods, NO_OPINION",
      "system:bootstrap:a, system:authenticated, POST, /api/v1/nodes/a/token, NO_OPINION",
      "someone, system:bootstrappers, POST, /api/v1/nodes/a/token, NO_OPINION"})
  void aNodeAndItsBootstrapIdentityMayAskForThatNodesCredentialAlone(String name, String group,
      String method, String path, Decision.Verdict verdict) {
    User user = new User(name, "", List.of(group, "system:authenticated"));
    assertThat(NodeAuthorizer.decide(user, request(method, path), PODS).verdict())
        .as(name + " " + method + " " + path).isEqualTo(verdict);
  }

  @Test
  void othersGetNoOpinion() {
    User admin = new User("admin", "admin", List.of("system:masters"));
    User pretender = new User("system:node:a", "x", List.of("system:authenticated"));
    for (User user : List.of(admin, pretender)) {
      assertThat(NodeAuthorizer.decide(user, request("GET",
          "/api/v1/namespaces/ns/secrets/theirs"), PODS).verdict())
          .isEqualTo(Decision.Verdict.NO_OPINION);
    }
    assertThat(NodeAuthorizer.decide(NODE_A, RequestInfo.nonResource("GET", "/version"), PODS)
        .verdict()).isEqualTo(Decision.Verdict.NO_OPINION);
  }

  private static RequestInfo request(String method, String path) {
    return RequestInfo.parse(method, path, Map.of(), false);
  }

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }
}
