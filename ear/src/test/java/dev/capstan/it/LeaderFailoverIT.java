package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
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
 * Two control-plane servers, one of them leading the scheduler and the controller manager: when
 * the leader's process dies (SIGKILL, so it releases nothing), the other takes both leases over
 * once they expire, and scheduling and replication go on.
 *
 * <p>The suite's server normally leads; the test hands both leases to the second server by
 * writing them, as an operator could, and the suite server then stands by as any non-holder does.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LeaderFailoverIT {

  private static final String LEADER = "capstan-leader";
  private static final String LEADER_NODE_NAME = "it-leader";
  private static final String SUITE_NODE_NAME = "it-capstan";
  private static final List<String> LEASES = List.of("kube-scheduler", "kube-controller-manager");
  private static final DateTimeFormatter MICRO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX").withZone(ZoneOffset.UTC);

  @ArquillianResource
  private ContainerController containers;

  @ArquillianResource
  private Deployer deployer;

  @Deployment(name = LEADER, managed = false, testable = false)
  @TargetsContainer(LEADER)
  static EnterpriseArchive leader() {
    return TestServer.capstanEar();
  }

  @Test
  void whenTheLeadingServerIsKilledTheOtherTakesOverSchedulingAndReplication() {
    String namespace = NamespaceApiIT.uniqueName();
    String node = "failover-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(Http.postJson(TestServer.SUITE.api("/api/v1/namespaces"),
        Http.namespace(namespace)).statusCode()).isEqualTo(201);
    try (HollowNodes nodes = new HollowNodes(TestServer.SUITE, List.of(node), "8",
        "{\"failover\":\"" + namespace + "\"}")) {
      containers.start(LEADER);
      try {
        deployer.deploy(LEADER);
        Instant handedOver = Instant.now();
        LEASES.forEach(lease -> handToTheSecondServer(lease, handedOver));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> LEASES.forEach(lease -> {
          assertThat(holder(lease)).isEqualTo(LEADER_NODE_NAME);
          assertThat(Instant.parse(spec(lease).getString("renewTime")))
              .as(lease + " renewed by its new holder").isAfter(handedOver);
        }));

        createReplicationController(namespace, 2);
        // a server that has just deployed, compiling everything on first use: as long as after
        // the kill (it took over 20 s in a full run at load 19)
        await().atMost(Duration.ofSeconds(45)).untilAsserted(() ->
            assertThat(boundPods(namespace)).as("pods made and bound by the second server")
                .hasSize(2).allMatch(node::equals));
        JsonObject beforeTheKill = spec("kube-scheduler");
        assertThat(beforeTheKill.getString("holderIdentity"))
            .as("the second server still holds the scheduler's lease after binding the pods: "
                + beforeTheKill).isEqualTo(LEADER_NODE_NAME);
        int transitions = beforeTheKill.getInt("leaseTransitions", 0);

        killSecondServer();
        Http.patch(TestServer.SUITE.api("/api/v1/namespaces/" + namespace
                + "/replicationcontrollers/web"), "application/merge-patch+json",
            "{\"spec\":{\"replicas\":3}}");
        await().atMost(Duration.ofSeconds(45)).untilAsserted(() ->
            assertThat(boundPods(namespace)).as("a third pod made and bound after the failover")
                .hasSize(3).allMatch(node::equals));
        LEASES.forEach(lease -> assertThat(holder(lease)).isEqualTo(SUITE_NODE_NAME));
        assertThat(transitions("kube-scheduler")).as("one takeover, by the suite server")
            .isEqualTo(transitions + 1);
      } finally {
        try {
          containers.stop(LEADER);
        } catch (RuntimeException alreadyDead) {
          // it was killed: Arquillian only learns that it is gone
        }
      }
    }
  }

  /** Writes the lease as held by the second server, renewed now. */
  private static void handToTheSecondServer(String lease, Instant now) {
    var response = Http.patch(leaseUri(lease), "application/merge-patch+json", """
        {"spec":{"holderIdentity":"%s","renewTime":"%s","leaseDurationSeconds":15}}"""
        .formatted(LEADER_NODE_NAME, MICRO.format(now)));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  /** SIGKILL to the second server's JVM, a child of this test JVM's Arquillian container. */
  private static void killSecondServer() {
    List<ProcessHandle> leader = ProcessHandle.current().descendants()
        .filter(process -> process.info().commandLine().orElse("")
            .contains("-Djboss.node.name=" + LEADER_NODE_NAME))
        .toList();
    assertThat(leader).as("the second server's process").hasSize(1);
    leader.get(0).destroyForcibly();
    await().atMost(Duration.ofSeconds(10)).until(() -> !leader.get(0).isAlive());
  }

  private static void createReplicationController(String namespace, int replicas) {
    assertThat(Http.postJson(TestServer.SUITE.api("/api/v1/namespaces/" + namespace
        + "/replicationcontrollers"), """
        {"apiVersion":"v1","kind":"ReplicationController","metadata":{"name":"web"},
         "spec":{"replicas":%d,"selector":{"app":"web"},
          "template":{"metadata":{"labels":{"app":"web"}},
           "spec":{"nodeSelector":{"failover":"%s"},"tolerations":[%s],
            "containers":[{"name":"web","image":"capstan/busybox:1"}]}}}}"""
        .formatted(replicas, namespace, HollowNodes.TOLERATION)).statusCode()).isEqualTo(201);
  }

  /** The nodes the namespace's pods are bound to ("" for a pod not bound yet). */
  private static List<String> boundPods(String namespace) {
    return Http.json(Http.get(TestServer.SUITE.api("/api/v1/namespaces/" + namespace + "/pods")))
        .getJsonArray("items").getValuesAs(JsonObject.class).stream()
        .map(pod -> pod.getJsonObject("spec").getString("nodeName", ""))
        .toList();
  }

  private static String holder(String lease) {
    return spec(lease).getString("holderIdentity", "");
  }

  private static int transitions(String lease) {
    return spec(lease).getInt("leaseTransitions", 0);
  }

  private static JsonObject spec(String lease) {
    return Http.json(Http.get(leaseUri(lease))).getJsonObject("spec");
  }

  private static java.net.URI leaseUri(String lease) {
    return TestServer.SUITE.api("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/"
        + lease);
  }
}
