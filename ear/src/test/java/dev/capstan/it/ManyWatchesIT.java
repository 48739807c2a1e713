package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.UnixOperatingSystemMXBean;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Thousands of open watches cost the server sockets and memory, not threads: with 2,000 open,
 * probes and ordinary requests answer at once, every watch gets every event, one user past its
 * limit is refused with 429 while others are not, and closed watches are released.
 *
 * <p>The watches are opened with the JDK's asynchronous HTTP client (HTTP/1.1 on the plain
 * port, one connection each), which reads them all with a few threads.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ManyWatchesIT {

  private static final TestServer SERVER = TestServer.SUITE;
  /** The server's default limit of open watches per user (capstan.watch.max-per-user). */
  private static final int PER_USER = 1_000;
  /** Two users of the test token file, each holding PER_USER watches. */
  private static final List<String> WATCHERS = List.of("it-watcher-a-token-3e91",
      "it-watcher-b-token-8c27");
  private static final List<String> CREATED = List.of("one", "two", "three");

  @Test
  void twoThousandOpenWatchesLeaveTheApiAnsweringAndEachGetsEveryEvent() throws Exception {
    long descriptors = ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getMaxFileDescriptorCount();
    assertThat(descriptors).as("open files allowed to this test (ulimit -n)")
        .isGreaterThan(PER_USER * WATCHERS.size() + 500L);
    String namespace = SERVER.newNamespace();
    URI configMaps = SERVER.api("/api/v1/namespaces/" + namespace + "/configmaps");
    // the watchers are plain users: RBAC lets them read the namespace as the view role does
    assertThat(Http.postJson(SERVER.api("/apis/rbac.authorization.k8s.io/v1/namespaces/"
        + namespace + "/rolebindings"), "{\"metadata\":{\"name\":\"watchers\"},"
        + "\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"ClusterRole\","
        + "\"name\":\"view\"},\"subjects\":[{\"kind\":\"User\",\"name\":\"it-watcher-a\"},"
        + "{\"kind\":\"User\",\"name\":\"it-watcher-b\"}]}").statusCode()).isEqualTo(201);
    // a watch from now starts with the namespace's objects: leave out its kube-root-ca.crt
    URI watchUri = URI.create(configMaps + "?watch=1&timeoutSeconds=300"
        + "&fieldSelector=metadata.name%21%3Dkube-root-ca.crt");
    // The watchers' first requests make RBAC follow its kinds on the change feed (subscriptions
    // that stay): let that happen before counting the watches' own subscriptions.
    for (String token : WATCHERS) {
      HttpResponse<String> list = HttpClient.newHttpClient().send(HttpRequest.newBuilder(configMaps)
          .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
    }
    long watchesBefore = metric("apiserver_longrunning_requests");
    long subscriptionsBefore = metric("capstan_change_feed_subscriptions");
    long threadsBefore = metric("jvm_threads_live_threads");

    ExecutorService readers = Executors.newFixedThreadPool(4);
    HttpClient client = HttpClient.newBuilder().executor(readers)
        .connectTimeout(Duration.ofSeconds(20)).build();
    CountDownLatch events = new CountDownLatch(PER_USER * WATCHERS.size() * CREATED.size());
    List<OpenWatch> watches = new ArrayList<>();
    try {
      long opening = System.nanoTime();
      int retried = 0;
      for (String token : WATCHERS) {
        for (int batch = 0; batch < PER_USER / 100; batch++) {
          // in batches of 100, as clients start over time; one refused for now (503 while the
          // database connections are all taken) is retried, as clients retry
          List<OpenWatch> started = new ArrayList<>();
          for (int i = 0; i < 100; i++) {
            started.add(new OpenWatch(client, watchUri, token, events));
          }
          for (int i = 0; i < started.size(); i++) {
            assertThat(started.get(i).headers.await(60, TimeUnit.SECONDS)).as("headers").isTrue();
            if (started.get(i).status == 503 && retried++ < 200) {
              Thread.sleep(500);
              started.set(i, new OpenWatch(client, watchUri, token, events));
              i--;
              continue;
            }
            assertThat(started.get(i).status).isEqualTo(200);
          }
          watches.addAll(started);
        }
      }
      System.out.printf("ManyWatchesIT: %d watch requests answered 503 and retried%n", retried);
      System.out.printf("ManyWatchesIT: %d watches open in %d ms%n", watches.size(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opening));

      long livez = timed(() -> assertThat(Http.get(SERVER.api("/livez")).statusCode()).isEqualTo(200));
      long get = timed(() -> assertThat(Http.get(SERVER.api("/api/v1/namespaces/" + namespace))
          .statusCode()).isEqualTo(200));
      long threadsOpen = metric("jvm_threads_live_threads");
      System.out.printf("ManyWatchesIT: with %d open watches /livez answered in %d ms, GET namespace"
          + " in %d ms; server threads %d before, %d with them open%n", watches.size(), livez, get,
          threadsBefore, threadsOpen);
      assertThat(livez).as("/livez millis").isLessThan(2_000);
      assertThat(get).as("GET millis").isLessThan(2_000);
      // the suite server runs for every class of its fork: watches of earlier classes may end
      // meanwhile, so the count is ours plus at most those open before
      assertThat(metric("apiserver_longrunning_requests"))
          .isBetween((long) watches.size(), watchesBefore + watches.size());
      // The request-thread pool grows while watches are being opened (each start runs on a
      // request thread, at most 256 of them) and shrinks when idle; a thread per watch would
      // need 2,000 more.
      assertThat(threadsOpen).as("server threads with the watches open")
          .isLessThan(threadsBefore + 300);

      HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(watchUri)
              .header("Authorization", "Bearer " + WATCHERS.get(0)).timeout(Duration.ofSeconds(10))
              .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(Http.json(refused).getString("reason")).isEqualTo("TooManyRequests");
      // a short timeout: closing WatchLines cancels a future, which does not close the connection
      try (WatchLines other = new WatchLines(URI.create(configMaps + "?watch=1&timeoutSeconds=2"))) {
        assertThat(other.status()).as("another user's watch").isEqualTo(200);
      }

      for (String name : CREATED) {
        SERVER.create(namespace, "configmaps", configMap(name));
      }
      assertThat(events.await(30, TimeUnit.SECONDS))
          .as("every watch got every event; missing " + events.getCount()).isTrue();
      for (OpenWatch watch : watches) {
        assertThat(watch.seen).containsExactlyInAnyOrderElementsOf(
            CREATED.stream().map(name -> "ADDED " + name).toList());
      }
    } finally {
      watches.forEach(OpenWatch::close);
    }
    // The server notices a closed connection when it next writes to it: an event every 500 ms.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (int i = 0; metric("apiserver_longrunning_requests") > watchesBefore
        && System.nanoTime() < deadline; i++) {
      SERVER.create(namespace, "configmaps", configMap("after-close-" + i));
      Thread.sleep(500);
    }
    assertThat(metric("apiserver_longrunning_requests")).as("open watches after closing")
        .isLessThanOrEqualTo(watchesBefore);
    assertThat(metric("capstan_change_feed_subscriptions")).as("feed subscriptions after closing")
        .isLessThanOrEqualTo(subscriptionsBefore);
    System.out.printf("ManyWatchesIT: server threads %d after closing%n",
        metric("jvm_threads_live_threads"));
    readers.shutdownNow();
  }

  private static String configMap(String name) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
        + "\"},\"data\":{\"k\":\"v\"}}";
  }

  private static long timed(Runnable request) {
    long start = System.nanoTime();
    request.run();
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  /** A gauge of the server's {@code /metrics}. */
  /** A metric summed over its series (watches: those of WATCH requests), read as Prometheus does. */
  private static long metric(String name) {
    PrometheusText metrics = PrometheusText.parse(Http.get(SERVER.api("/metrics")).body());
    java.util.Map<String, String> labels = name.equals("apiserver_longrunning_requests")
        ? java.util.Map.of("verb", "WATCH") : java.util.Map.of();
    if (labels.isEmpty()) {
      assertThat(metrics.samples(name)).as(name).isNotEmpty();
    }
    // no WATCH series yet means no watch was ever open on this server: none now
    return Math.round(metrics.sum(name, labels));
  }

  /** One watch whose lines the client's executor reads as they come: no thread of its own. */
  private static final class OpenWatch implements Flow.Subscriber<String> {
    final CountDownLatch headers = new CountDownLatch(1);
    final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final CountDownLatch events;
    private volatile int status;
    private volatile Flow.Subscription subscription;

    OpenWatch(HttpClient client, URI uri, String token, CountDownLatch events) {
      this.events = events;
      client.sendAsync(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
          .GET().build(), info -> {
            status = info.statusCode();
            headers.countDown();
            return HttpResponse.BodySubscribers.fromLineSubscriber(this);
          });
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
      if (line.isBlank()) {
        return;
      }
      JsonObject event = Json.createReader(new StringReader(line)).readObject();
      if (seen.add(event.getString("type") + " " + event.getJsonObject("object")
          .getJsonObject("metadata").getString("name"))) {
        events.countDown();
      }
    }

    @Override
    public void onError(Throwable failure) {
      headers.countDown();
    }

    @Override
    public void onComplete() {
      headers.countDown();
    }

    void close() {
      Flow.Subscription current = subscription;
      if (current != null) {
        current.cancel();
      }
    }
  }
}
