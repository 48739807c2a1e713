import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Watch benchmark: prints figures, asserts nothing. Loopback only.
 * With N open watches (N = 0, 500, 2000 by default), prints the server's live threads and used
 * heap (from its /metrics, after a full GC when the server's pid is given, via jcmd), and the
 * latency of /livez and of a namespaced GET (median and max of 50 each, sequential); at the
 * end, how long one write takes to reach every open watch.
 * The watches are spread over the watcher tokens, at most 1000 per user (the server's default
 * limit), and read by the JDK's asynchronous HTTP client with four threads.
 * Run: java bench/WatchBench.java <api-url> <admin-token> <watcher-token,...> [pid] [N,N,...]
 */
public class WatchBench {

  private static final ExecutorService READERS = Executors.newFixedThreadPool(4);
  private static final HttpClient WATCH_CLIENT = HttpClient.newBuilder().executor(READERS)
      .connectTimeout(Duration.ofSeconds(20)).build();
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static final AtomicInteger ENDED = new AtomicInteger();
  private static final AtomicInteger REFUSED = new AtomicInteger();
  private static String api;
  private static String admin;

  public static void main(String[] args) throws Exception {
    api = args[0];
    admin = args[1];
    List<String> watchers = List.of(args[2].split(","));
    String pid = args.length > 3 ? args[3] : "";
    int[] counts = args.length > 4
        ? Arrays.stream(args[4].split(",")).mapToInt(Integer::parseInt).toArray()
        : new int[] {0, 500, 2000};
    String namespace = "watch-bench-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    send("POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + namespace + "\"}}");
    String watchUrl = api + "/api/v1/namespaces/" + namespace + "/configmaps?watch=1&timeoutSeconds=600";

    List<Watch> open = new ArrayList<>();
    AtomicInteger received = new AtomicInteger();
    System.out.printf("%8s %8s %10s %14s %14s%n", "watches", "threads", "heap MiB",
        "livez ms med/max", "GET ms med/max");
    for (int target : counts) {
      while (open.size() < target) {
        // in batches of 100, as clients start over time, not 2000 requests in one burst
        int batch = Math.min(target, open.size() + 100);
        List<Watch> started = new ArrayList<>();
        while (open.size() < batch) {
          String token = watchers.get(open.size() / 1000 % watchers.size());
          Watch watch = new Watch(watchUrl, token, received);
          open.add(watch);
          started.add(watch);
        }
        for (Watch watch : started) {
          watch.headers.await(60, TimeUnit.SECONDS);
        }
        // as a client does: a watch refused for now (503, 429) is tried again a second later
        for (int i = 0; i < open.size(); i++) {
          if (open.get(i).status != 200) {
            REFUSED.incrementAndGet();
            Thread.sleep(1_000);
            Watch again = new Watch(watchUrl, open.get(i).token, received);
            again.headers.await(60, TimeUnit.SECONDS);
            open.set(i, again);
            i--;
          }
        }
      }
      System.out.printf("(%d watch requests refused for now and retried so far)%n", REFUSED.get());
      for (Watch watch : open) {
        if (!watch.headers.await(60, TimeUnit.SECONDS) || watch.status != 200) {
          throw new IllegalStateException("a watch was not opened: HTTP " + watch.status);
        }
      }
      if (!pid.isEmpty()) {
        new ProcessBuilder("jcmd", pid, "GC.run").redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
      }
      String metrics = send("GET", "/metrics", null);
      long[] livez = latencies("/livez");
      long[] get = latencies("/api/v1/namespaces/" + namespace);
      System.out.printf("%8d %8d %10.0f %8.1f/%-6.1f %8.1f/%-6.1f%n", open.size(),
          metric(metrics, "jvm_threads_live_threads", ""),
          metric(metrics, "jvm_memory_used_bytes", "area=\"heap\"") / 1048576.0,
          livez[livez.length / 2] / 1e6, livez[livez.length - 1] / 1e6,
          get[get.length / 2] / 1e6, get[get.length - 1] / 1e6);
    }
    if (!open.isEmpty()) {
      int expected = received.get() + open.size();
      long start = System.nanoTime();
      send("POST", "/api/v1/namespaces/" + namespace + "/configmaps",
          "{\"metadata\":{\"name\":\"fan-out\"}}");
      while (received.get() < expected && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) {
        Thread.sleep(1);
      }
      System.out.printf("one write reached %d of %d watches in %.0f ms (server: %d open watches;"
          + " client: %d streams ended)%n",
          received.get() - (expected - open.size()), open.size(),
          (System.nanoTime() - start) / 1e6,
          metric(send("GET", "/metrics", null), "apiserver_longrunning_requests", "verb=\"WATCH\""), ENDED.get());
    }
    System.out.print(send("GET", "/metrics", null).lines()
        .filter(line -> line.startsWith("capstan_watch_ends_total"))
        .map(line -> line + "\n").reduce("", String::concat));
    open.forEach(Watch::close);
    send("DELETE", "/api/v1/namespaces/" + namespace, null);
    READERS.shutdownNow();
    System.exit(0);
  }

  private static long[] latencies(String path) throws Exception {
    long[] times = new long[50];
    for (int i = 0; i < times.length; i++) {
      long start = System.nanoTime();
      send("GET", path, null);
      times[i] = System.nanoTime() - start;
    }
    Arrays.sort(times);
    return times;
  }

  /** A metric summed over its series whose labels contain {@code match} (e.g. area="heap"). */
  private static long metric(String metrics, String name, String match) {
    Matcher value = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+-]+)$")
        .matcher(metrics);
    double sum = 0;
    boolean found = false;
    while (value.find()) {
      if (value.group(1) == null || value.group(1).contains(match)) {
        sum += Double.parseDouble(value.group(2));
        found = true;
      }
    }
    return found ? Math.round(sum) : -1;
  }

  private static String send(String method, String path, String json) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path))
        .header("Authorization", "Bearer " + admin).timeout(Duration.ofSeconds(30));
    request = json == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
        : request.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(json));
    HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new IllegalStateException(method + " " + path + ": " + response.statusCode() + " "
          + response.body());
    }
    return response.body();
  }

  /** One open watch, read by the client's executor as lines come. */
  private static final class Watch implements Flow.Subscriber<String> {
    final CountDownLatch headers = new CountDownLatch(1);
    private final AtomicInteger received;
    private final String token;
    private volatile int status;
    private volatile Flow.Subscription subscription;

    Watch(String url, String token, AtomicInteger received) {
      this.received = received;
      this.token = token;
      WATCH_CLIENT.sendAsync(HttpRequest.newBuilder(URI.create(url))
          .header("Authorization", "Bearer " + token).GET().build(), info -> {
            status = info.statusCode();
            headers.countDown();
            return HttpResponse.BodySubscribers.fromLineSubscriber(this);
          });
    }

    @Override public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override public void onNext(String line) {
      if (!line.isBlank()) {
        received.incrementAndGet();
      }
    }

    @Override public void onError(Throwable t) {
      ENDED.incrementAndGet();
      headers.countDown();
    }

    @Override public void onComplete() {
      ENDED.incrementAndGet();
      headers.countDown();
    }

    void close() {
      if (subscription != null) {
        subscription.cancel();
      }
    }
  }
}
