import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Creates N namespaces through the REST API with C concurrent keep-alive clients and prints
 * throughput and latency percentiles. Run: java bench/CreateLoad.java <api-url> <N> <C>.
 * Bounded: exactly N requests, to the given (loopback) URL.
 */
public class CreateLoad {

  public static void main(String[] args) throws Exception {
    String api = args[0];
    int total = Integer.parseInt(args[1]);
    int concurrency = Integer.parseInt(args[2]);
    String run = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    long[] latencies = new long[total];
    AtomicInteger next = new AtomicInteger();
    AtomicLong failures = new AtomicLong();

    // Warm-up (not counted): JIT and connection pool.
    for (int i = 0; i < 500; i++) {
      create(client, api, "warm-" + run + "-" + i);
    }
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    Future<?>[] workers = new Future<?>[concurrency];
    for (int w = 0; w < concurrency; w++) {
      workers[w] = pool.submit(() -> {
        for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
          long t0 = System.nanoTime();
          if (create(client, api, "load-" + run + "-" + i) != 201) {
            failures.incrementAndGet();
          }
          latencies[i] = System.nanoTime() - t0;
        }
        return null;
      });
    }
    for (Future<?> worker : workers) {
      worker.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    Arrays.sort(latencies);
    System.out.printf("store: %d creates, %d concurrent: %.0f /s, p50 %.1f ms, p99 %.1f ms,"
            + " max %.1f ms, %d not 201%n",
        total, concurrency, total / seconds, ms(latencies[total / 2]),
        ms(latencies[(int) (total * 0.99)]), ms(latencies[total - 1]), failures.get());
  }

  private static int create(HttpClient client, String api, String name) throws Exception {
    String body = "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\"}}";
    HttpRequest request = HttpRequest.newBuilder(URI.create(api + "/api/v1/namespaces"))
        .header("Authorization", "Bearer " + System.getenv("CAPSTAN_TOKEN"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
