package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The endpoints controller against the deployed control plane: Endpoints and EndpointSlices
 * follow the pods a service selects as they get addresses, become ready or unready, and go. The
 * pods are bound to a hollow node and their status is written through the API as an agent would
 * write it, so this is about the controller, not about running pods.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class EndpointsIT {

  private static final TestServer SERVER = TestServer.SUITE;
  private static final String NODE = "endpoints-" + UUID.randomUUID().toString().substring(0, 8);
  private static HollowNodes nodes;
  private final Kubectl kubectl = Kubectl.against(SERVER);

  @BeforeAll
  static void registerNode() {
    nodes = new HollowNodes(SERVER, List.of(NODE), "4", "{}");
  }

  @AfterAll
  static void removeNode() {
    nodes.close();
  }

  @Test
  void endpointsListReadyPodsByTheirNamedTargetPortAndFollowReadinessAndDeletion() {
    String namespace = SERVER.newNamespace();
    SERVER.create(namespace, "services", """
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},
         "spec":{"selector":{"app":"web"},
          "ports":[{"name":"http","port":80,"targetPort":"http"}]}}""");
    SERVER.create(namespace, "pods", pod("web-a", "web"));
    SERVER.create(namespace, "pods", pod("web-b", "web"));
    SERVER.create(namespace, "pods", pod("other", "other"));

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(kubectl.run("get", "endpoints", "web", "-n", namespace).out())
            .containsPattern("web\\s+<none>"));

    report(namespace, "web-a", "10.244.0.11", true);
    report(namespace, "web-b", "10.244.0.12", false);
    report(namespace, "other", "10.244.0.13", true);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(endpoints(namespace, "web").getJsonArray("subsets")).hasSize(1);
      JsonObject subset = endpoints(namespace, "web").getJsonArray("subsets").getJsonObject(0);
      assertThat(ips(subset, "addresses")).containsExactly("10.244.0.11");
      assertThat(ips(subset, "notReadyAddresses")).containsExactly("10.244.0.12");
      assertThat(subset.getJsonArray("ports").getJsonObject(0).getInt("port")).isEqualTo(8080);
    });
    assertThat(kubectl.run("describe", "service", "web", "-n", namespace).out())
        .containsPattern("TargetPort:\\s+http/TCP")
        .containsPattern("Endpoints:\\s+10\\.244\\.0\\.11:8080\\n");
    assertThat(kubectl.run("get", "endpointslices", "-n", namespace,
        "-l", "kubernetes.io/service-name=web").out())
        .containsPattern("web-\\w{5}\\s+IPv4\\s+8080\\s+10\\.244\\.0\\.1[12],10\\.244\\.0\\.1[12]");

    report(namespace, "web-b", "10.244.0.12", true);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(kubectl.run("get", "endpoints", "web", "-n", namespace).out())
            .contains("10.244.0.11:8080,10.244.0.12:8080"));

    assertThat(kubectl.run("delete", "pod", "web-a", "-n", namespace, "--grace-period=0",
        "--force").exitCode()).isZero();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(kubectl.run("get", "endpoints", "web", "-n", namespace).out())
            .containsPattern("web\\s+10\\.244\\.0\\.12:8080\\s"));

    assertThat(kubectl.run("delete", "service", "web", "-n", namespace).exitCode()).isZero();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(Http.get(SERVER.api("/api/v1/namespaces/" + namespace + "/endpoints/web"))
          .statusCode()).isEqualTo(404);
      assertThat(Http.json(Http.get(SERVER.api("/apis/discovery.k8s.io/v1/namespaces/"
          + namespace + "/endpointslices"))).getJsonArray("items")).isEmpty();
    });
  }

  @Test
  void aServiceWithoutSelectorKeepsTheEndpointsItsUserWrites() {
    String namespace = SERVER.newNamespace();
    SERVER.create(namespace, "endpoints", """
        {"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"external"},
         "subsets":[{"addresses":[{"ip":"192.0.2.10"}],"ports":[{"port":5432}]}]}""");
    SERVER.create(namespace, "services", """
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"external"},
         "spec":{"ports":[{"port":5432}]}}""");
    SERVER.create(namespace, "pods", pod("web-a", "web"));
    report(namespace, "web-a", "10.244.0.21", true);

    // the controller ticks every second: give it a few chances to go wrong
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(kubectl.run("get", "endpoints", "external", "-n", namespace).out())
            .containsPattern("external\\s+192\\.0\\.2\\.10:5432"));
  }

  private static String pod(String name, String app) {
    return """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","labels":{"app":"%s"}},
         "spec":{"nodeName":"%s","tolerations":[%s],
          "containers":[{"name":"main","image":"capstan/busybox:1",
           "ports":[{"name":"http","containerPort":8080}]}]}}"""
        .formatted(name, app, NODE, HollowNodes.TOLERATION);
  }

  /** Writes the pod's status as its node's agent would. */
  private static void report(String namespace, String pod, String ip, boolean ready) {
    var response = Http.patch(SERVER.api("/api/v1/namespaces/" + namespace + "/pods/" + pod
        + "/status"), "application/merge-patch+json", """
        {"status":{"phase":"Running","podIP":"%s","podIPs":[{"ip":"%s"}],
          "conditions":[{"type":"Ready","status":"%s"}]}}"""
        .formatted(ip, ip, ready ? "True" : "False"));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private static JsonObject endpoints(String namespace, String name) {
    return Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace + "/endpoints/"
        + name)));
  }

  private static List<String> ips(JsonObject subset, String field) {
    return subset.containsKey(field)
        ? subset.getJsonArray(field).getValuesAs(JsonObject.class).stream()
            .map(address -> address.getString("ip")).toList()
        : List.of();
  }
}
