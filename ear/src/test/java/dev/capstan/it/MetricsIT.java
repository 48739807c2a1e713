package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The control plane's Prometheus metrics as a Prometheus server and an operator meet them:
 * {@code /metrics} in the text format, read with real kubectl ({@code get --raw}) and scraped
 * with a parser; Kubernetes' series (requests by verb, resource and code, latency histograms,
 * watches open, work queues, scheduling attempts, leadership, the JVM) exist and move with the
 * work done, store latency by operation and resource and pending pods by queue among them;
 * every scrape passes a strict parser of the format ({@link PrometheusText}); and only who may
 * {@code get /metrics} reads them (the {@code system:monitoring} ClusterRole, as on
 * Kubernetes).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class MetricsIT {

  private static final TestServer SERVER = TestServer.SUITE;
  private final Kubectl kubectl = Kubectl.against(SERVER);

  @Test
  void kubectlReadsTheMetricsInPrometheusTextFormat() {
    HttpResponse<String> scraped = Http.get(SERVER.api("/metrics"));
    assertThat(scraped.statusCode()).isEqualTo(200);
    assertThat(scraped.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
        assertThat(type).startsWith("text/plain").contains("version=0.0.4"));

    Kubectl.Result raw = kubectl.run("get", "--raw", "/metrics");
    assertThat(raw.exitCode()).as(raw.toString()).isZero();
    PrometheusText metrics = PrometheusText.parse(raw.out());
    assertThat(metrics.has("apiserver_request_total", Map.of("component", "apiserver"))).isTrue();
    assertThat(metrics.has("leader_election_master_status",
        Map.of("name", "kube-controller-manager"))).isTrue();
    assertThat(metrics.sum("leader_election_master_status",
        Map.of("name", "kube-controller-manager"))).isEqualTo(1);
    assertThat(metrics.has("workqueue_depth", Map.of("name", "garbage collector"))).isTrue();
    assertThat(metrics.has("scheduler_schedule_attempts_total",
        Map.of("profile", "default-scheduler", "result", "unschedulable"))).isTrue();
    assertThat(metrics.sum("jvm_memory_used_bytes", Map.of("area", "heap"))).isPositive();
    assertThat(metrics.samples("jvm_threads_live_threads")).isNotEmpty();
  }

  @Test
  void requestsAreCountedByVerbResourceAndCodeAndTimed() {
    String namespace = SERVER.newNamespace();
    Map<String, String> created = Map.of("verb", "POST", "resource", "configmaps",
        "code", "201", "scope", "resource", "group", "", "version", "v1");
    Map<String, String> listed = Map.of("verb", "LIST", "resource", "configmaps",
        "code", "200", "scope", "namespace");
    Map<String, String> missing = Map.of("verb", "GET", "resource", "configmaps",
        "code", "404", "scope", "resource");
    Map<String, String> timedCreates = Map.of("verb", "POST", "resource", "configmaps",
        "scope", "resource");
    PrometheusText before = scrape();

    for (int i = 0; i < 5; i++) {
      assertThat(kubectl.run("create", "configmap", "c" + i, "-n", namespace,
          "--from-literal=k=v").exitCode()).isZero();
    }
    assertThat(kubectl.run("get", "configmaps", "-n", namespace).exitCode()).isZero();
    assertThat(kubectl.run("get", "configmap", "none", "-n", namespace).exitCode()).isNotZero();
    assertThat(Http.get(SERVER.api("/api/v1/namespaces/" + namespace + "/nonsense")).statusCode())
        .isEqualTo(404);

    PrometheusText after = scrape();
    assertThat(after.sum("apiserver_request_total", created)
        - before.sum("apiserver_request_total", created)).isGreaterThanOrEqualTo(5);
    assertThat(after.sum("apiserver_request_total", listed)
        - before.sum("apiserver_request_total", listed)).isGreaterThanOrEqualTo(1);
    assertThat(after.sum("apiserver_request_total", missing)
        - before.sum("apiserver_request_total", missing)).isGreaterThanOrEqualTo(1);
    assertThat(after.samples("apiserver_request_total")).as("a made-up resource makes no series")
        .noneMatch(sample -> sample.labels().getOrDefault("resource", "").equals("nonsense"));
    assertThat(after.sum("apiserver_request_duration_seconds_count", timedCreates)
        - before.sum("apiserver_request_duration_seconds_count", timedCreates))
        .isGreaterThanOrEqualTo(5);
    Map<String, String> slowest = new java.util.HashMap<>(timedCreates);
    slowest.put("le", "60.0");
    assertThat(after.has("apiserver_request_duration_seconds_bucket", slowest)
        || after.has("apiserver_request_duration_seconds_bucket", Map.of("le", "60")))
        .as("kube-apiserver's buckets, up to 60 s").isTrue();
  }

  @Test
  void anOpenWatchIsALongRunningRequestUntilItEnds() throws Exception {
    String namespace = SERVER.newNamespace();
    // limit ranges: a kind nothing else in the suite watches, so the gauge moves only with ours
    Map<String, String> watching = Map.of("verb", "WATCH", "resource", "limitranges",
        "scope", "namespace");
    double before = scrape().sum("apiserver_longrunning_requests", watching);
    HttpClient client = HttpClient.newHttpClient();
    CompletableFuture<HttpResponse<Void>> watch = client.sendAsync(HttpRequest.newBuilder(
            SERVER.api("/api/v1/namespaces/" + namespace
                + "/limitranges?watch=true&timeoutSeconds=20"))
        .header("Authorization", "Bearer " + Http.token()).build(),
        HttpResponse.BodyHandlers.discarding());

    await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
        assertThat(scrape().sum("apiserver_longrunning_requests", watching))
            .isEqualTo(before + 1));
    watch.get(30, java.util.concurrent.TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(scrape().sum("apiserver_longrunning_requests", watching)).isEqualTo(before));
  }

  @Test
  void controllersAndTheSchedulerShowTheirWork() {
    String namespace = SERVER.newNamespace();
    Map<String, String> deployments = Map.of("name", "Deployment controller");
    PrometheusText before = scrape();

    assertThat(kubectl.run("create", "deployment", "web", "--image=capstan/busybox:1",
        "--replicas=2", "-n", namespace).exitCode()).isZero();

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      PrometheusText after = scrape();
      assertThat(after.sum("workqueue_adds_total", deployments))
          .isGreaterThan(before.sum("workqueue_adds_total", deployments));
      assertThat(after.sum("workqueue_work_duration_seconds_count", deployments))
          .isGreaterThan(before.sum("workqueue_work_duration_seconds_count", deployments));
      assertThat(after.sum("workqueue_queue_duration_seconds_count", deployments))
          .isGreaterThan(before.sum("workqueue_queue_duration_seconds_count", deployments));
      assertThat(after.sum("scheduler_schedule_attempts_total", Map.of()))
          .as("the two new pods were tried").isGreaterThanOrEqualTo(
              before.sum("scheduler_schedule_attempts_total", Map.of()) + 2);
    });
  }

  @Test
  void storeLatencyIsAHistogramByOperationAndResourceThatMovesWithTheWork() {
    String namespace = SERVER.newNamespace();
    Map<String, String> creates = Map.of("operation", "create", "type", "configmaps");
    Map<String, String> reads = Map.of("operation", "get", "type", "configmaps");
    Map<String, String> lists = Map.of("operation", "list", "type", "configmaps");
    PrometheusText before = scrape();

    assertThat(kubectl.run("create", "configmap", "stored", "-n", namespace,
        "--from-literal=k=v").exitCode()).isZero();
    assertThat(kubectl.run("get", "configmap", "stored", "-n", namespace).exitCode()).isZero();
    assertThat(kubectl.run("get", "configmaps", "-n", namespace).exitCode()).isZero();

    PrometheusText after = scrape();
    assertThat(after.type("etcd_request_duration_seconds")).isEqualTo("histogram");
    for (Map<String, String> operation : List.of(creates, reads, lists)) {
      assertThat(after.sum("etcd_request_duration_seconds_count", operation)
          - before.sum("etcd_request_duration_seconds_count", operation))
          .as("store calls %s", operation).isGreaterThanOrEqualTo(1);
      assertThat(after.sum("etcd_request_duration_seconds_sum", operation))
          .isGreaterThan(before.sum("etcd_request_duration_seconds_sum", operation));
    }
    Map<String, String> slowest = new java.util.HashMap<>(creates);
    slowest.put("le", "60.0");
    assertThat(after.has("etcd_request_duration_seconds_bucket", slowest))
        .as("kube-apiserver's buckets, up to 60 s").isTrue();
  }

  @Test
  void pendingPodsAreCountedByQueueUntilTheyAreScheduledOrGone() {
    String namespace = SERVER.newNamespace();
    for (String queue : List.of("active", "backoff", "unschedulable")) {
      assertThat(scrape().has("scheduler_pending_pods", Map.of("queue", queue))).isTrue();
    }
    // the gauge counts all the suite server's pending pods, and earlier classes' pods join and
    // leave it while this runs (controllers replacing pods of nodes that went away): so twenty
    // pods of ours at once, and the gauge must move by most of them, up and then down
    double before = pendingPods(scrape());
    for (int i = 0; i < OUR_PENDING_PODS; i++) {
      SERVER.create(namespace, "pods", """
          {"apiVersion":"v1","kind":"Pod","metadata":{"name":"nowhere-%d"},
           "spec":{"nodeSelector":{"capstan.dev/no-such-node":"true"},
             "containers":[{"name":"main","image":"capstan/busybox:1"}]}}""".formatted(i));
    }
    double[] withOurs = new double[1];
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      PrometheusText metrics = scrape();
      withOurs[0] = pendingPods(metrics);
      assertThat(withOurs[0]).isGreaterThanOrEqualTo(before + OUR_PENDING_PODS - NOISE);
      assertThat(metrics.sum("scheduler_pending_pods", Map.of("queue", "unschedulable"))
          + metrics.sum("scheduler_pending_pods", Map.of("queue", "active")))
          .isGreaterThanOrEqualTo(OUR_PENDING_PODS - NOISE);
    });
    assertThat(kubectl.run("delete", "pods", "--all", "-n", namespace, "--wait=false")
        .exitCode()).isZero();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(pendingPods(scrape()))
            .isLessThanOrEqualTo(withOurs[0] - OUR_PENDING_PODS + NOISE));
  }

  /** How many pods {@link #pendingPodsAreCountedByQueueUntilTheyAreScheduledOrGone} makes. */
  private static final int OUR_PENDING_PODS = 20;

  /** By how much other classes' pods may move the suite server's gauge meanwhile. */
  private static final int NOISE = 5;

  @Test
  void theJvmsMemoryGarbageCollectionThreadsAndCpuAreMeasured() {
    PrometheusText metrics = scrape();
    assertThat(metrics.sum("jvm_memory_used_bytes", Map.of("area", "nonheap"))).isPositive();
    assertThat(metrics.sum("jvm_memory_max_bytes", Map.of("area", "heap"))).isPositive();
    assertThat(metrics.sum("jvm_gc_pause_seconds_count", Map.of()))
        .as("a booted server has collected garbage").isPositive();
    assertThat(metrics.type("jvm_gc_pause_seconds")).isEqualTo("summary");
    assertThat(metrics.sum("jvm_gc_memory_allocated_bytes_total", Map.of())).isPositive();
    assertThat(metrics.sum("jvm_threads_live_threads", Map.of())).isGreaterThan(10);
    assertThat(metrics.has("jvm_threads_states_threads", Map.of("state", "runnable"))).isTrue();
    assertThat(metrics.samples("process_cpu_usage")).isNotEmpty();
    assertThat(metrics.sum("process_uptime_seconds", Map.of())).isPositive();
  }

  private static double pendingPods(PrometheusText metrics) {
    return metrics.sum("scheduler_pending_pods", Map.of());
  }

  @Test
  void onlyWhoMayGetTheMetricsPathReadsIt() {
    String namespace = SERVER.newNamespace();
    assertThat(kubectl.run("create", "serviceaccount", "scraper", "-n", namespace).exitCode())
        .isZero();
    Kubectl.Result issued = kubectl.run("create", "token", "scraper", "-n", namespace);
    assertThat(issued.exitCode()).as(issued.toString()).isZero();
    String token = issued.out().strip();
    URI metrics = SERVER.api("/metrics");

    HttpResponse<String> refused = Http.getWithToken(metrics, token);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(Http.json(refused).getString("reason")).isEqualTo("Forbidden");
    assertThat(Http.json(refused).getString("message")).startsWith("forbidden: User"
        + " \"system:serviceaccount:" + namespace + ":scraper\" cannot get path \"/metrics\"");
    assertThat(Http.anonymous(metrics).statusCode()).isEqualTo(401);

    Kubectl.Result bound = kubectl.run("create", "clusterrolebinding", namespace + "-scraper",
        "--clusterrole=system:monitoring", "--serviceaccount=" + namespace + ":scraper");
    assertThat(bound.exitCode()).as(bound.toString()).isZero();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(Http.getWithToken(metrics, token).statusCode()).isEqualTo(200));
    kubectl.run("delete", "clusterrolebinding", namespace + "-scraper");
  }

  private static PrometheusText scrape() {
    HttpResponse<String> scraped = Http.get(SERVER.api("/metrics"));
    assertThat(scraped.statusCode()).isEqualTo(200);
    return PrometheusText.parse(scraped.body());
  }
}
