import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;

/**
 * Latency of the everyday requests on one kind, one client, one request at a time: create a
 * ConfigMap, get it, merge-patch it, then list the namespace's ConfigMaps (a page of 50).
 * Written to see what per-request overhead (such as jakarta.json.Json's provider lookup on every
 * Json.create* call) adds inside the control plane. Prints p50/p90/p99 per request kind and the
 * whole run's requests per second; asserts nothing. Bounded and loopback only: W warm-up rounds,
 * then N timed rounds of the four requests, in a fresh namespace deleted at the end.
 * Run: CAPSTAN_TOKEN=... java bench/ConfigMapRequests.java <api-url> [N=1000] [W=300]
 */
public class ConfigMapRequests {

  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  private static final String CONFIG_MAP = """
      {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"%s","labels":{"app":"bench",
       "tier":"web"},"annotations":{"note":"a typical small config map"}},
       "data":{"app.properties":"color=blue\\nsize=10\\n","mode":"fast","replicas":"3",
       "greeting":"hello world"}}""";

  public static void main(String[] args) throws Exception {
    String api = args[0];
    int timed = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int warm = args.length > 2 ? Integer.parseInt(args[2]) : 300;
    String namespace = "bench-cm-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    send("POST", api + "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\","
        + "\"metadata\":{\"name\":\"" + namespace + "\"}}", null, 201);
    String configMaps = api + "/api/v1/namespaces/" + namespace + "/configmaps";
    for (int i = 0; i < warm; i++) {
      round(configMaps, "warm-" + i, null, 0);
    }
    long[][] latencies = new long[4][timed];
    long start = System.nanoTime();
    for (int i = 0; i < timed; i++) {
      round(configMaps, "cm-" + i, latencies, i);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("%d timed rounds (after %d warm-up), 1 client: %.0f requests/s%n", timed,
        warm, 4 * timed / seconds);
    String[] names = {"create", "get", "merge-patch", "list (limit=50)"};
    for (int kind = 0; kind < 4; kind++) {
      long[] sorted = latencies[kind];
      Arrays.sort(sorted);
      System.out.printf("  %-16s p50 %6.2f ms  p90 %6.2f ms  p99 %6.2f ms  max %7.2f ms%n",
          names[kind], ms(sorted[timed / 2]), ms(sorted[(int) (timed * 0.9)]),
          ms(sorted[(int) (timed * 0.99)]), ms(sorted[timed - 1]));
    }
    send("DELETE", api + "/api/v1/namespaces/" + namespace, null, null, 200);
  }

  private static void round(String configMaps, String name, long[][] latencies, int i)
      throws Exception {
    long t0 = System.nanoTime();
    send("POST", configMaps, CONFIG_MAP.formatted(name), "application/json", 201);
    long t1 = System.nanoTime();
    send("GET", configMaps + "/" + name, null, null, 200);
    long t2 = System.nanoTime();
    send("PATCH", configMaps + "/" + name, "{\"data\":{\"mode\":\"slow\",\"extra\":\"" + i
        + "\"}}", "application/merge-patch+json", 200);
    long t3 = System.nanoTime();
    send("GET", configMaps + "?limit=50", null, null, 200);
    long t4 = System.nanoTime();
    if (latencies != null) {
      latencies[0][i] = t1 - t0;
      latencies[1][i] = t2 - t1;
      latencies[2][i] = t3 - t2;
      latencies[3][i] = t4 - t3;
    }
  }

  private static void send(String method, String url, String body, String contentType,
      int expected) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + System.getenv("CAPSTAN_TOKEN"))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    HttpResponse<String> response = CLIENT.send(request.build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != expected) {
      throw new IllegalStateException(method + " " + url + ": " + response.statusCode() + " "
          + response.body());
    }
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
