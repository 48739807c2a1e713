package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
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
  void anObjectWhoseOwnerCannotExistIsCollectedEvenWhenTheOwnersNameHoldsANul() {
    // Kubernetes checks an owner reference's name only for being there, so a name no object can
    // have (a NUL in it, which PostgreSQL refuses even in a query) reaches the garbage collector
    String namespace = SERVER.newNamespace();
    String configMaps = "/api/v1/namespaces/" + namespace + "/configmaps";
    for (String owner : List.of("gone", "a\\u0000b")) {
      String name = owner.equals("gone") ? "orphan-plain" : "orphan-nul";
      HttpResponse<String> created = Http.postJson(SERVER.api(configMaps), "{\"apiVersion\":\"v1\","
          + "\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\",\"ownerReferences\":"
          + "[{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"name\":\"" + owner + "\","
          + "\"uid\":\"7d9c1f0e-0000-4000-8000-000000000001\"}]}}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(Http.get(SERVER.api(configMaps + "/orphan-plain")).statusCode()).isEqualTo(404);
      assertThat(Http.get(SERVER.api(configMaps + "/orphan-nul")).statusCode()).isEqualTo(404);
    });
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

  /**
   * Pods of these tests select no node, so they stay Pending and unbound: what is tested is the
   * control plane's, and a delete removes them at once.
   */
  private static final String DEPLOYMENT = """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: 2
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            nodeSelector: {capstan.dev/no-such-node: "true"}
            containers: [{name: web, image: capstan/busybox:1, command: [sleep, "3600"]}]
      """;

  @Test
  void aReCreatedDeploymentAdoptsItsOrphanedReplicaSetAndAForegroundDeleteRemovesEverything() {
    String namespace = SERVER.newNamespace();
    assertThat(kubectl.withInput(DEPLOYMENT, "create", "-n", namespace, "-f", "-").exitCode())
        .isZero();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(podNames(namespace)).hasSize(2));
    String replicaSet = replicaSets(namespace).get(0).getJsonObject("metadata").getString("name");
    String firstUid = deploymentUid(namespace);

    Kubectl.Result orphaned = kubectl.run("delete", "deployment", "web", "--cascade=orphan",
        "-n", namespace);
    assertThat(orphaned.exitCode()).as(orphaned.toString()).isZero();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(Http.get(SERVER.api("/apis/apps/v1/namespaces/" + namespace
          + "/deployments/web")).statusCode()).isEqualTo(404);
      assertThat(replicaSets(namespace)).singleElement().satisfies(rs ->
          assertThat(rs.getJsonObject("metadata").getJsonArray("ownerReferences"))
              .as("orphaned").isNullOrEmpty());
    });

    assertThat(kubectl.withInput(DEPLOYMENT, "create", "-n", namespace, "-f", "-").exitCode())
        .isZero();
    String secondUid = deploymentUid(namespace);
    assertThat(secondUid).isNotEqualTo(firstUid);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(replicaSets(namespace)).as("the old ReplicaSet adopted, no new one")
            .singleElement().satisfies(rs -> {
              assertThat(rs.getJsonObject("metadata").getString("name")).isEqualTo(replicaSet);
              JsonArray owners = rs.getJsonObject("metadata").getJsonArray("ownerReferences");
              assertThat(owners).as("ownerReferences").isNotNull().hasSize(1);
              JsonObject owner = owners.getJsonObject(0);
              assertThat(owner.getString("kind")).isEqualTo("Deployment");
              assertThat(owner.getString("uid")).isEqualTo(secondUid);
              assertThat(owner.getBoolean("controller")).isTrue();
            }));
    assertThat(podNames(namespace)).as("its pods were kept, not replaced").hasSize(2);

    Kubectl.Result foreground = kubectl.run("delete", "deployment", "web",
        "--cascade=foreground", "-n", namespace, "--timeout=30s");
    assertThat(foreground.exitCode()).as(foreground.toString()).isZero();
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      assertThat(replicaSets(namespace)).isEmpty();
      assertThat(podNames(namespace)).isEmpty();
    });
    assertThat(Http.get(SERVER.api("/apis/apps/v1/namespaces/" + namespace
        + "/deployments/web")).statusCode()).isEqualTo(404);
  }

  /**
   * Prints how long a Deployment's ReplicaSet takes to appear (from the create's answer), and
   * that a client deleting the Deployment with propagationPolicy Orphan right after it has seen
   * the ReplicaSet leaves it behind, ownerless. The bound only proves the controller is not
   * waiting for a timer: the figure is the printout.
   */
  @Test
  void aDeploymentsReplicaSetAppearsAsSoonAsTheDeploymentIsWritten() {
    String namespace = SERVER.newNamespace();
    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String name = "quick-" + i;
      String body = """
          {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%s"},
           "spec":{"replicas":0,"selector":{"matchLabels":{"app":"%s"}},
            "template":{"metadata":{"labels":{"app":"%s"}},
             "spec":{"containers":[{"name":"c","image":"capstan/busybox:1"}]}}}}"""
          .formatted(name, name, name);
      assertThat(Http.postJson(SERVER.api("/apis/apps/v1/namespaces/" + namespace
          + "/deployments"), body).statusCode()).isEqualTo(201);
      long created = System.nanoTime();
      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() ->
          replicaSets(namespace).stream().anyMatch(rs -> rs.getJsonObject("metadata")
              .getString("name").startsWith(name + "-")));
      millis.add((System.nanoTime() - created) / 1_000_000);
      assertThat(Http.delete(SERVER.api("/apis/apps/v1/namespaces/" + namespace
          + "/deployments/" + name + "?propagationPolicy=Orphan")).statusCode()).isEqualTo(200);
    }
    List<Long> sorted = millis.stream().sorted().toList();
    System.out.println("ReplicaSet appeared after the Deployment's create (ms): " + millis
        + " median " + sorted.get(sorted.size() / 2) + " max " + sorted.get(sorted.size() - 1));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(replicaSets(namespace)).as("orphaned, not deleted").hasSize(10)
            .allSatisfy(rs -> assertThat(rs.getJsonObject("metadata")
                .getJsonArray("ownerReferences")).isNullOrEmpty()));
  }

  /**
   * A ReplicaSet adopting a pod that another client is writing to: its adoption (a write with the
   * pod's resourceVersion as precondition) meets a real 409 Conflict (the server log shows it;
   * a round that happened to meet none is repeated). While the writes go on every attempt may
   * lose again; once they stop, the controller retries from a fresh read and adopts within a
   * second or two instead of waiting for the 30 s resync, and makes no pod of its own meanwhile.
   */
  @Test
  void aReplicaSetWhoseAdoptionConflictsRetriesWithinASecond() throws Exception {
    Path log = Path.of(System.getProperty("it.dir", "target/it"), "capstan", "log",
        "server.log");
    for (int round = 0; round < 5; round++) {
      String namespace = SERVER.newNamespace();
      String conflict = "ReplicaSet controller met a conflict reconciling " + namespace + "/busy";
      assertThat(Http.postJson(SERVER.api("/api/v1/namespaces/" + namespace + "/pods"), """
          {"apiVersion":"v1","kind":"Pod","metadata":{"name":"stray","labels":{"app":"busy"}},
           "spec":{"nodeSelector":{"capstan.dev/no-such-node":"true"},
            "containers":[{"name":"c","image":"capstan/busybox:1"}]}}""").statusCode())
          .isEqualTo(201);
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicInteger writes = new AtomicInteger();
      ExecutorService writers = Executors.newFixedThreadPool(3);
      for (int w = 0; w < 3; w++) {
        writers.execute(() -> {
          while (writing.get()) {
            Http.patch(SERVER.api("/api/v1/namespaces/" + namespace + "/pods/stray"),
                "application/merge-patch+json",
                "{\"metadata\":{\"annotations\":{\"touched\":\"" + writes.incrementAndGet()
                    + "\"}}}");
          }
        });
      }
      boolean conflicted;
      try {
        Thread.sleep(200);
        assertThat(Http.postJson(SERVER.api("/apis/apps/v1/namespaces/" + namespace
            + "/replicasets"), """
            {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"busy"},
             "spec":{"replicas":1,"selector":{"matchLabels":{"app":"busy"}},
              "template":{"metadata":{"labels":{"app":"busy"}},
               "spec":{"nodeSelector":{"capstan.dev/no-such-node":"true"},
                "containers":[{"name":"c","image":"capstan/busybox:1"}]}}}}""").statusCode())
            .isEqualTo(201);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        do {
          Thread.sleep(50);
          conflicted = serverLog(log).contains(conflict);
        } while (!conflicted && System.nanoTime() < deadline);
      } finally {
        writing.set(false);
        writers.shutdown();
        assertThat(writers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      }
      long stopped = System.nanoTime();
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() ->
          Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace + "/pods/stray")))
              .getJsonObject("metadata").containsKey("ownerReferences"));
      long adoptedAfter = (System.nanoTime() - stopped) / 1_000_000;
      System.out.println("Round " + round + ": " + writes.get() + " concurrent writes, conflict "
          + "met: " + conflicted + ", stray adopted " + adoptedAfter + " ms after they stopped");
      if (!conflicted) {
        continue;
      }
      assertThat(adoptedAfter).as("retried at once, not at the 30 s resync").isLessThan(2000);
      assertThat(podNames(namespace)).as("the stray adopted, no pod made instead")
          .containsExactly("stray");
      return;
    }
    throw new AssertionError("five rounds of concurrent writes never made an adoption conflict");
  }

  private static String serverLog(Path log) throws IOException {
    return Files.readString(log);
  }

  private static List<JsonObject> replicaSets(String namespace) {
    return Http.json(Http.get(SERVER.api("/apis/apps/v1/namespaces/" + namespace
            + "/replicasets"))).getJsonArray("items").getValuesAs(JsonObject.class).stream()
        .filter(rs -> !rs.getJsonObject("metadata").containsKey("deletionTimestamp"))
        .toList();
  }

  private static String deploymentUid(String namespace) {
    return Http.json(Http.get(SERVER.api("/apis/apps/v1/namespaces/" + namespace
        + "/deployments/web"))).getJsonObject("metadata").getString("uid");
  }

  private static List<String> podNames(String namespace) {
    return Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace + "/pods")))
        .getJsonArray("items").getValuesAs(JsonObject.class).stream()
        .filter(pod -> !pod.getJsonObject("metadata").containsKey("deletionTimestamp"))
        .map(pod -> pod.getJsonObject("metadata").getString("name"))
        .sorted().toList();
  }
}
