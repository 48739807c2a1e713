import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * API benchmark: prints figures, asserts nothing. Bounded, loopback only.
 *   1. creates N pods in a fresh namespace (C concurrent clients), then times listing them all
 *      (one request, and pages of 500) and a label-selected list
 *   2. watch delivery latency: with a watch open on a namespace, writes W config maps one at a
 *      time and measures from the start of each POST to the arrival of its ADDED event
 * Run: java bench/ApiBench.java <api-url> [N=10000] [C=8] [W=200]
 */
public class ApiBench {

  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) throws Exception {
    String api = args[0];
    int pods = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    int watched = args.length > 3 ? Integer.parseInt(args[3]) : 200;
    String namespace = "bench-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    post(api + "/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + namespace + "\"}}");

    createPods(api, namespace, pods, concurrency);
    String podsUrl = api + "/api/v1/namespaces/" + namespace + "/pods";
    for (int round = 0; round < 2; round++) {
      get(podsUrl); // warm-up
    }
    long[] full = new long[5];
    int bytes = 0;
    for (int i = 0; i < full.length; i++) {
      long t0 = System.nanoTime();
      bytes = get(podsUrl).length();
      full[i] = System.nanoTime() - t0;
    }
    Arrays.sort(full);
    System.out.printf("list: %d pods in one response: median %.0f ms (%.1f MB)%n", pods,
        ms(full[full.length / 2]), bytes / 1e6);
    long t0 = System.nanoTime();
    int pages = 0;
    String token = "";
    do {
      String page = get(podsUrl + "?limit=500" + (token.isEmpty() ? "" : "&continue=" + token));
      pages++;
      Matcher m = Pattern.compile("\"continue\":\"([^\"]+)\"").matcher(page);
      token = m.find() ? m.group(1) : "";
    } while (!token.isEmpty());
    System.out.printf("list: %d pods in %d pages of 500: %.0f ms%n", pods, pages, ms(System.nanoTime() - t0));
    long t1 = System.nanoTime();
    get(podsUrl + "?labelSelector=shard%3Ds7");
    System.out.printf("list: label-selected tenth of %d pods: %.0f ms%n", pods, ms(System.nanoTime() - t1));

    watchLatency(api, namespace, watched);
  }

  private static void createPods(String api, String namespace, int count, int concurrency) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    AtomicInteger next = new AtomicInteger();
    long[] latencies = new long[count];
    long start = System.nanoTime();
    CountDownLatch done = new CountDownLatch(concurrency);
    for (int w = 0; w < concurrency; w++) {
      pool.submit(() -> {
        try {
          for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
            long t0 = System.nanoTime();
            post(api + "/api/v1/namespaces/" + namespace + "/pods",
                "{\"metadata\":{\"name\":\"p-" + i + "\",\"labels\":{\"app\":\"bench\",\"shard\":\"s" + (i % 10)
                    + "\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox:1.36\"}]}}");
            latencies[i] = System.nanoTime() - t0;
          }
        } catch (Exception e) {
          e.printStackTrace();
        } finally {
          done.countDown();
        }
      });
    }
    done.await();
    pool.shutdown();
    double seconds = (System.nanoTime() - start) / 1e9;
    Arrays.sort(latencies);
    System.out.printf("create: %d pods, %d concurrent: %.0f /s, p50 %.1f ms, p99 %.1f ms%n", count,
        concurrency, count / seconds, ms(latencies[count / 2]), ms(latencies[(int) (count * 0.99)]));
  }

  private static void watchLatency(String api, String namespace, int count) throws Exception {
    ConcurrentHashMap<String, Long> arrived = new ConcurrentHashMap<>();
    CountDownLatch open = new CountDownLatch(1);
    Thread reader = new Thread(() -> {
      try {
        HttpURLConnection connection = (HttpURLConnection) URI.create(api + "/api/v1/namespaces/"
            + namespace + "/configmaps?watch=1&resourceVersion=" + revision(api, namespace)
            + "&timeoutSeconds=300").toURL().openConnection();
        connection.setReadTimeout(0);
        connection.setRequestProperty("Authorization", "Bearer " + System.getenv("CAPSTAN_TOKEN"));
        try (BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(),
            StandardCharsets.UTF_8))) {
          open.countDown();
          Pattern name = Pattern.compile("\"name\":\"(w-\\d+)\"");
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            Matcher m = name.matcher(line);
            if (m.find()) {
              arrived.putIfAbsent(m.group(1), System.nanoTime());
            }
          }
        }
      } catch (Exception e) {
        // the watch ends when the benchmark does
      }
    });
    reader.setDaemon(true);
    reader.start();
    open.await(10, TimeUnit.SECONDS);
    long[] latencies = new long[count];
    for (int i = 0; i < count; i++) {
      String name = "w-" + i;
      long t0 = System.nanoTime();
      post(api + "/api/v1/namespaces/" + namespace + "/configmaps",
          "{\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"k\":\"v\"}}");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!arrived.containsKey(name) && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      Long at = arrived.get(name);
      latencies[i] = at == null ? TimeUnit.SECONDS.toNanos(5) : at - t0;
    }
    Arrays.sort(latencies);
    System.out.printf("watch: %d writes, write start to event: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        count, ms(latencies[count / 2]), ms(latencies[(int) (count * 0.99)]), ms(latencies[count - 1]));
  }

  private static String revision(String api, String namespace) throws Exception {
    Matcher m = Pattern.compile("\"resourceVersion\":\"(\\d+)\"")
        .matcher(get(api + "/api/v1/namespaces/" + namespace + "/configmaps"));
    return m.find() ? m.group(1) : "0";
  }

  private static String get(String url) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + System.getenv("CAPSTAN_TOKEN")).GET().build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static void post(String url, String json) throws Exception {
    HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + System.getenv("CAPSTAN_TOKEN"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 201) {
      throw new IllegalStateException(url + " → " + response.statusCode() + " " + response.body());
    }
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
