package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The replication controller and ReplicaSet controller against the deployed control plane, with
 * the reference's node-js ReplicationController (no node runs its pods here: this is about the
 * pods the controller keeps, not about running them).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ControllersIT {

  private static final TestServer SERVER = TestServer.SUITE;
  private final Kubectl kubectl = Kubectl.against(SERVER);

  @Deployment(testable = false)
  static EnterpriseArchive capstan() {
    return TestServer.capstanEar();
  }

  @Test
  void aReplicationControllerKeepsItsReplicasAndScales() {
    String namespace = SERVER.newNamespace();
    assertThat(kubectl.withInput(Fixtures.read("node-js-rc.yaml"), "create", "-n", namespace,
        "-f", "-").exitCode()).isZero();

    await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
        assertThat(podNames(namespace)).hasSize(3).allMatch(name -> name.matches("node-js-[a-z0-9]{5}")));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(kubectl.run("describe", "rc", "node-js", "-n", namespace).out())
            .contains("Replicas:     3 current / 3 desired")
            .containsPattern("Normal\\s+SuccessfulCreate\\s+.*replication-controller\\s+Created pod: node-js-"));

    String victim = podNames(namespace).get(0);
    assertThat(kubectl.run("delete", "pod", victim, "-n", namespace).exitCode()).isZero();
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
        assertThat(podNames(namespace)).hasSize(3).doesNotContain(victim));

    assertThat(kubectl.run("scale", "rc", "node-js", "--replicas=1", "-n", namespace).exitCode())
        .isZero();
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
        assertThat(podNames(namespace)).hasSize(1));
    assertThat(kubectl.run("scale", "rc", "node-js", "--replicas=0", "-n", namespace).exitCode())
        .isZero();
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
        assertThat(podNames(namespace)).isEmpty());
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(kubectl.run("get", "rc", "node-js", "-n", namespace).out())
            .containsPattern("node-js\\s+0\\s+0\\s+0"));
  }

  @Test
  void aReplicaSetAdoptsAMatchingOrphanInsteadOfCreatingAnotherPod() {
    String namespace = SERVER.newNamespace();
    assertThat(Http.postJson(SERVER.api("/api/v1/namespaces/" + namespace + "/pods"), """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"stray","labels":{"app":"web"}},
         "spec":{"containers":[{"name":"web","image":"capstan/busybox:1"}]}}""").statusCode())
        .isEqualTo(201);
    assertThat(Http.postJson(SERVER.api("/apis/apps/v1/namespaces/" + namespace + "/replicasets"), """
        {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"web"},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
          "template":{"metadata":{"labels":{"app":"web"}},
           "spec":{"containers":[{"name":"web","image":"capstan/busybox:1"}]}}}}""").statusCode())
        .isEqualTo(201);

    await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
        assertThat(podNames(namespace)).hasSize(2).contains("stray"));
    JsonObject stray = Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace
        + "/pods/stray")));
    JsonObject owner = stray.getJsonObject("metadata").getJsonArray("ownerReferences")
        .getJsonObject(0);
    assertThat(owner.getString("kind")).isEqualTo("ReplicaSet");
    assertThat(owner.getBoolean("controller")).isTrue();
  }

  @Test
  void deletingAnOwnerDeletesOrOrphansItsPodsAsTheCascadeSays() {
    String namespace = SERVER.newNamespace();
    for (String name : List.of("background", "orphan", "foreground")) {
      assertThat(kubectl.withInput(Fixtures.read("node-js-rc.yaml").replace("node-js", name),
          "create", "-n", namespace, "-f", "-").exitCode()).isZero();
    }
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(podNames(namespace)).hasSize(9));

    assertThat(kubectl.run("delete", "rc", "background", "-n", namespace).exitCode()).isZero();
    assertThat(kubectl.run("delete", "rc", "orphan", "--cascade=orphan", "-n", namespace)
        .exitCode()).isZero();
    Kubectl.Result foreground = kubectl.run("delete", "rc", "foreground", "--cascade=foreground",
        "-n", namespace);
    assertThat(foreground.exitCode()).as(foreground.toString()).isZero();

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(podNames(namespace)).hasSize(3).allMatch(name -> name.startsWith("orphan-")));
    assertThat(Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace + "/pods/"
        + podNames(namespace).get(0)))).getJsonObject("metadata").getJsonArray("ownerReferences"))
        .as("orphans lose their owner reference").isNullOrEmpty();
    assertThat(kubectl.run("get", "rc", "-n", namespace).err()).contains("No resources found");
  }

  @Test
  void deletingANamespaceEmptiesItThenRemovesIt() {
    String namespace = SERVER.newNamespace();
    assertThat(kubectl.withInput(Fixtures.read("node-js-rc.yaml"), "create", "-n", namespace,
        "-f", "-").exitCode()).isZero();
    assertThat(kubectl.run("create", "configmap", "settings", "--from-literal=a=b", "-n",
        namespace).exitCode()).isZero();
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
        assertThat(podNames(namespace)).hasSize(3));

    Kubectl.Result deleted = kubectl.run("delete", "namespace", namespace, "--timeout=60s");

    assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
    assertThat(deleted.out()).contains("namespace \"" + namespace + "\" deleted");
    assertThat(Http.get(SERVER.api("/api/v1/namespaces/" + namespace)).statusCode())
        .isEqualTo(404);
    assertThat(Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace + "/configmaps")))
        .getJsonArray("items")).isEmpty();
    assertThat(podNames(namespace)).isEmpty();
  }

  private static List<String> podNames(String namespace) {
    return Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace + "/pods")))
        .getJsonArray("items").getValuesAs(JsonObject.class).stream()
        .filter(pod -> !pod.getJsonObject("metadata").containsKey("deletionTimestamp"))
        .map(pod -> pod.getJsonObject("metadata").getString("name"))
        .sorted().toList();
  }
}
