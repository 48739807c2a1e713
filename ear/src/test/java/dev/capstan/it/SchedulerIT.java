package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scheduler against the deployed control plane, with two hollow nodes of 2 cpus each (one
 * labelled {@code disk=ssd}): pods are bound, spread by controller, kept off cordoned nodes,
 * steered by nodeSelector, and left Pending with kube-scheduler's message when nothing fits.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SchedulerIT {

  private static final TestServer SERVER = TestServer.SUITE;
  private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
  private static final String A = "hollow-a-" + SUFFIX;
  private static final String B = "hollow-b-" + SUFFIX;
  private static HollowNodes nodes;
  private final Kubectl kubectl = Kubectl.against(SERVER);

  @BeforeAll
  static void registerNodes() {
    nodes = new HollowNodes(SERVER, List.of(A, B), "2",
        "{\"group\":\"" + SUFFIX + "\",\"kubernetes.io/hostname\":\"NAME\"}");
    Http.patch(SERVER.api("/api/v1/nodes/" + A), "application/merge-patch+json",
        "{\"metadata\":{\"labels\":{\"disk\":\"ssd\"}}}");
  }

  @AfterAll
  static void removeNodes() {
    nodes.close();
  }

  @Test
  void podsOfOneControllerSpreadAcrossTheNodes() {
    String namespace = SERVER.newNamespace();
    assertThat(Http.postJson(SERVER.api("/api/v1/namespaces/" + namespace
        + "/replicationcontrollers"), """
        {"apiVersion":"v1","kind":"ReplicationController","metadata":{"name":"spread"},
         "spec":{"replicas":4,"selector":{"app":"spread"},
          "template":{"metadata":{"labels":{"app":"spread"}},
           "spec":{"tolerations":[%s],"nodeSelector":{"group":"%s"},
            "containers":[{"name":"main","image":"capstan/busybox:1"}]}}}}"""
        .formatted(HollowNodes.TOLERATION, SUFFIX)).statusCode()).isEqualTo(201);

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(nodesOf(namespace)).hasSize(4));
    Map<String, Long> perNode = nodesOf(namespace).values().stream()
        .collect(Collectors.groupingBy(node -> node, Collectors.counting()));
    assertThat(perNode).containsOnlyKeys(A, B).containsEntry(A, 2L).containsEntry(B, 2L);
    String pod = nodesOf(namespace).keySet().iterator().next();
    assertThat(kubectl.run("describe", "pod", pod, "-n", namespace).out())
        .containsPattern("Normal\\s+Scheduled\\s+.*default-scheduler\\s+Successfully assigned "
            + namespace + "/" + pod + " to hollow-[ab]-" + SUFFIX);
  }

  @Test
  void aPodThatFitsNowhereStaysPendingSayingWhyAndNodeSelectorsAndCordonsAreHonoured() {
    String namespace = SERVER.newNamespace();
    create(namespace, "too-big", "\"resources\":{\"requests\":{\"cpu\":\"3\"}},", "");
    create(namespace, "on-ssd", "", "", "\"nodeSelector\":{\"disk\":\"ssd\"},");

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(kubectl.run("describe", "pod", "too-big", "-n", namespace).out())
            .containsPattern("Warning\\s+FailedScheduling\\s+.*default-scheduler\\s+0/\\d+ nodes"
                + " are available: .*2 Insufficient cpu"));
    assertThat(kubectl.run("get", "pod", "too-big", "-n", namespace).out())
        .containsPattern("too-big\\s+0/1\\s+Pending");
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(nodesOf(namespace)).containsEntry("on-ssd", A));

    assertThat(kubectl.run("cordon", A).exitCode()).isZero();
    try {
      for (int i = 0; i < 3; i++) {
        create(namespace, "after-cordon-" + i, "", "");
      }
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(nodesOf(namespace)).hasSize(4));
      assertThat(nodesOf(namespace).entrySet().stream()
          .filter(e -> e.getKey().startsWith("after-cordon-")).map(Map.Entry::getValue))
          .containsOnly(B);
    } finally {
      kubectl.run("uncordon", A);
    }
  }

  @Test
  void theBindingSubresourceAssignsAPodOnce() {
    String namespace = SERVER.newNamespace();
    create(namespace, "manual", "", "", "\"schedulerName\":\"someone-else\",");
    String binding = "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"manual\"},"
        + "\"target\":{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"name\":\"" + B + "\"}}";
    String url = "/api/v1/namespaces/" + namespace + "/pods/manual/binding";

    assertThat(Http.postJson(SERVER.api(url), binding).statusCode()).isEqualTo(201);
    var again = Http.postJson(SERVER.api(url), binding);

    assertThat(nodesOf(namespace)).containsEntry("manual", B);
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(Http.json(again).getString("message")).contains("is already assigned to node");
  }

  @Test
  void aDeploymentTooBigForAnyNodeSchedulesOnceItsRequestIsLowered() {
    String namespace = SERVER.newNamespace();
    assertThat(Http.postJson(SERVER.api("/apis/apps/v1/namespaces/" + namespace
        + "/deployments"), """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"big"},
         "spec":{"replicas":1,"selector":{"matchLabels":{"app":"big"}},
          "template":{"metadata":{"labels":{"app":"big"}},
           "spec":{"tolerations":[%s],"nodeSelector":{"group":"%s"},
            "containers":[{"name":"main","image":"capstan/busybox:1",
             "resources":{"requests":{"cpu":"3"}}}]}}}}"""
        .formatted(HollowNodes.TOLERATION, SUFFIX)).statusCode()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(kubectl.run("get", "events", "-n", namespace).out())
            .containsPattern("FailedScheduling\\s+pod/big-\\S+\\s+0/\\d+ nodes are available:"
                + " .*2 Insufficient cpu"));
    assertThat(nodesOf(namespace)).isEmpty();

    assertThat(kubectl.run("set", "resources", "deployment/big", "-n", namespace,
        "--requests=cpu=500m").exitCode()).isZero();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(nodesOf(namespace).values()).singleElement().isIn(A, B));
  }

  private static Map<String, String> nodesOf(String namespace) {
    JsonObject list = Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace + "/pods")));
    return list.getJsonArray("items").getValuesAs(JsonObject.class).stream()
        .filter(pod -> !pod.getJsonObject("spec").getString("nodeName", "").isEmpty())
        .collect(Collectors.toMap(pod -> pod.getJsonObject("metadata").getString("name"),
            pod -> pod.getJsonObject("spec").getString("nodeName")));
  }

  private static void create(String namespace, String name, String resources, String metadata) {
    create(namespace, name, resources, metadata, "");
  }

  private static void create(String namespace, String name, String resources, String metadata,
      String spec) {
    var created = Http.postJson(SERVER.api("/api/v1/namespaces/" + namespace + "/pods"), """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s"%s},
         "spec":{%s"tolerations":[%s],"affinity":{"nodeAffinity":{
           "requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[
             {"matchExpressions":[{"key":"group","operator":"In","values":["%s"]}]}]}}},
          "containers":[{"name":"main","image":"capstan/busybox:1",%s"command":["sleep","3600"]}]}}"""
        .formatted(name, metadata, spec, HollowNodes.TOLERATION, SUFFIX, resources));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }
}
