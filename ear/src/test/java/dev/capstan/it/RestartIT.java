package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.AgentConfig;
import dev.capstan.agent.NodeAgent;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
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

/** Cluster state lives in PostgreSQL, not in the server: it survives a full server restart. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RestartIT {

  private static final String CONTAINER = "capstan-restart";
  private static final String DEPLOYMENT = "capstan-restart";
  private static final TestServer SERVER = TestServer.RESTART;

  @ArquillianResource
  private ContainerController containers;

  @ArquillianResource
  private Deployer deployer;

  @Deployment(name = DEPLOYMENT, managed = false, testable = false)
  @TargetsContainer(CONTAINER)
  static EnterpriseArchive capstan() {
    return TestServer.capstanEar();
  }

  /**
   * One restart (it costs about 20 s) for both: the state survives it, and a node agent rides it
   * out (its heartbeat resumes and it hears of new pods through the restarted broker or a resync).
   */
  @Test
  void stateWrittenBeforeARestartIsReadBackAfterItAndANodeAgentCarriesOn() {
    TestServer.runDeployed(containers, deployer, CONTAINER, DEPLOYMENT, () -> {
      String name = NamespaceApiIT.uniqueName();
      HttpResponse<String> created = Http.postJson(SERVER.api("/api/v1/namespaces"),
          Http.namespace(name));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      JsonObject before = Http.json(created).getJsonObject("metadata");
      String node = "it-restart-" + name.substring(name.length() - 6);
      NodeAgent agent;
      try {
        agent = NodeAgent.start(agentConfig(node));
        NodeAgentIT.keepOtherPodsAway(SERVER, node);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      try {
        containers.stop(CONTAINER);
        containers.start(CONTAINER);

        String renewed = leaseRenewTime(node);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(leaseRenewTime(node)).as("the heartbeat resumes").isNotEqualTo(renewed));
        assertThat(Http.postJson(SERVER.api("/api/v1/namespaces/" + name + "/pods"), """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"after-restart"},
             "spec":{"nodeName":"%s","terminationGracePeriodSeconds":0,
              "containers":[{"name":"main","image":"%s","command":["sleep","3600"]}]}}"""
            .formatted(node, NodeAgentIT.IMAGE)).statusCode()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + name
                + "/pods/after-restart"))).getJsonObject("status").getString("phase", ""))
                .isEqualTo("Running"));
      } finally {
        agent.close();
        Docker.removeContainersOf(node);
      }

      HttpResponse<String> read = Http.get(SERVER.api("/api/v1/namespaces/" + name));
      assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
      JsonObject after = Http.json(read).getJsonObject("metadata");
      assertThat(after.getString("uid")).isEqualTo(before.getString("uid"));
      assertThat(after.getString("resourceVersion")).isEqualTo(before.getString("resourceVersion"));
      assertThat(after.getString("creationTimestamp")).isEqualTo(before.getString("creationTimestamp"));
    });
  }

  private static String leaseRenewTime(String node) {
    HttpResponse<String> lease = Http.get(SERVER.api(
        "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/" + node));
    return lease.statusCode() == 200
        ? Http.json(lease).getJsonObject("spec").getString("renewTime") : "";
  }

  private static AgentConfig agentConfig(String node) {
    try {
      NodeCredentials.BrokerUser broker = NodeCredentials.brokerUser(SERVER, node);
      return new AgentConfig(SERVER.secureApi().toString(), Http.token(), Optional.empty(), true,
          node, "127.0.0.1", Docker.host(), Optional.of(SERVER.messagingUrl()
              .replace("reconnectAttempts=0", "reconnectAttempts=-1")),
          broker.user(), broker.password(), "capstan/pause:1",
          Files.createTempDirectory("capstan-agent"), 110, Duration.ofSeconds(5),
          Duration.ofSeconds(5), 0, Optional.empty(), Optional.empty());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
