package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import org.jboss.arquillian.container.test.api.ContainerController;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two control-plane servers against one PostgreSQL, as users scale out: what one writes, the
 * other serves, and a watch on one sees changes written through the other.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class TwoServersIT {

  private static final String SECOND = "capstan-restart";
  private static final String SECOND_DEPLOYMENT = "capstan-second";

  @ArquillianResource
  private ContainerController containers;

  @ArquillianResource
  private Deployer deployer;

  @Deployment(name = SECOND_DEPLOYMENT, managed = false, testable = false)
  @TargetsContainer(SECOND)
  static EnterpriseArchive second() {
    return TestServer.capstanEar();
  }

  private static void aWatchOnOneServerSeesWritesThroughTheOther() {
    String namespace = NamespaceApiIT.uniqueName();
    assertThat(Http.postJson(TestServer.SUITE.api("/api/v1/namespaces"), Http.namespace(namespace))
        .statusCode()).isEqualTo(201);
    assertThat(Http.get(TestServer.RESTART.api("/api/v1/namespaces/" + namespace)).statusCode())
        .as("the second server reads what the first wrote").isEqualTo(200);

    URI onSecond = TestServer.RESTART.api("/api/v1/namespaces/" + namespace + "/configmaps");
    // the namespace's kube-root-ca.crt may appear meanwhile: watch only the one written here
    try (WatchLines watch = new WatchLines(URI.create(onSecond
        + "?watch=1&timeoutSeconds=20&fieldSelector=metadata.name%3Dshared"))) {
      assertThat(watch.status()).isEqualTo(200);
      assertThat(Http.postJson(TestServer.SUITE.api("/api/v1/namespaces/" + namespace + "/configmaps"),
          "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"shared\"}}")
          .statusCode()).isEqualTo(201);

      JsonObject event = watch.next(Duration.ofSeconds(10));
      assertThat(event).as("an event on the second server within 10 s").isNotNull();
      assertThat(event.getString("type")).isEqualTo("ADDED");
      assertThat(event.getJsonObject("object").getJsonObject("metadata").getString("name"))
          .isEqualTo("shared");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** One test, as starting the second server costs about 20 s. */
  @Test
  void aSecondServerSharesWatchesAndJoinsTheKubernetesServiceUntilItStops() {
    TestServer.runDeployed(containers, deployer, SECOND, SECOND_DEPLOYMENT, () -> {
      aWatchOnOneServerSeesWritesThroughTheOther();
      anRbacChangeOnOneServerReachesTheOthersAuthorizer();
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(kubernetesEndpointPorts()).as("both servers in the kubernetes endpoints")
              .containsExactlyInAnyOrder(TestServer.SUITE.secureApi().getPort(),
                  TestServer.RESTART.secureApi().getPort()));
    });

    await().atMost(Duration.ofSeconds(40)).untilAsserted(() ->
        assertThat(kubernetesEndpointPorts()).as("the stopped server leaves the endpoints")
            .containsExactly(TestServer.SUITE.secureApi().getPort()));
  }

  /** The second server caches decisions: a binding written through the first must reach it. */
  private static void anRbacChangeOnOneServerReachesTheOthersAuthorizer() {
    String namespace = NamespaceApiIT.uniqueName();
    assertThat(Http.postJson(TestServer.SUITE.api("/api/v1/namespaces"), Http.namespace(namespace))
        .statusCode()).isEqualTo(201);
    URI pods = TestServer.RESTART.api("/api/v1/namespaces/" + namespace + "/pods");
    assertThat(getAs(pods, "carol")).as("carol holds nothing yet").isEqualTo(403);
    URI bindings = TestServer.SUITE.api("/apis/rbac.authorization.k8s.io/v1/namespaces/"
        + namespace + "/rolebindings");
    assertThat(Http.postJson(bindings, "{\"metadata\":{\"name\":\"carol-view\"},\"roleRef\":"
        + "{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"ClusterRole\",\"name\":"
        + "\"view\"},\"subjects\":[{\"kind\":\"User\",\"name\":\"carol\"}]}").statusCode())
        .isEqualTo(201);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(getAs(pods, "carol")).as("carol may list pods on the second server")
            .isEqualTo(200));
    assertThat(Http.delete(URI.create(bindings + "/carol-view")).statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(getAs(pods, "carol")).as("the binding's deletion reaches the second server")
            .isEqualTo(403));
  }

  private static int getAs(URI uri, String user) {
    try {
      return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
          .newBuilder(uri).header("Authorization", "Bearer " + Http.token())
          .header("Impersonate-User", user).timeout(Duration.ofSeconds(20)).GET().build(),
          java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static java.util.List<Integer> kubernetesEndpointPorts() {
    JsonObject endpoints = Http.json(Http.get(
        TestServer.SUITE.api("/api/v1/namespaces/default/endpoints/kubernetes")));
    return endpoints.getJsonArray("subsets").getValuesAs(JsonObject.class).stream()
        .filter(subset -> subset.getJsonArray("addresses").getJsonObject(0).getString("ip")
            .equals("127.0.0.1"))
        .map(subset -> subset.getJsonArray("ports").getJsonObject(0).getInt("port"))
        .toList();
  }
}
