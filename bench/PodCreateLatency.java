import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;

/**
 * HTTP create latency of the reference Pod (shared/REFERENCE.md's node-js-pod, the manifest
 * bench/TypedDecodingBench.java decodes in process), one client, one request at a time: what one
 * {@code kubectl create} waits for, typed decoding included. Prints p50/p99/max; asserts nothing.
 * Bounded and loopback only: W warm-up creates, then N timed ones, in a fresh namespace that is
 * deleted at the end. The pods name a scheduler nobody runs, so no node agent starts them.
 * Run: CAPSTAN_TOKEN=... java bench/PodCreateLatency.java <api-url> [N=2000] [W=500]
 */
public class PodCreateLatency {

  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  private static final String POD = """
      {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","labels":{"name":"node-js"}},
       "spec":{"schedulerName":"bench-nobody","containers":[{"name":"node-js-pod",
         "image":"bitnami/apache:latest","ports":[{"containerPort":80}],
         "resources":{"limits":{"memory":"512Mi","cpu":"1500m"}},
         "livenessProbe":{"httpGet":{"path":"/status/","port":80},"initialDelaySeconds":30,
           "timeoutSeconds":1}}],
         "volumes":[{"name":"memory-volume","emptyDir":{"medium":"Memory"}}]}}""";

  public static void main(String[] args) throws Exception {
    String api = args[0];
    int timed = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    int warm = args.length > 2 ? Integer.parseInt(args[2]) : 500;
    String namespace = "bench-pods-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    send("POST", api + "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\","
        + "\"metadata\":{\"name\":\"" + namespace + "\"}}", 201);
    String pods = api + "/api/v1/namespaces/" + namespace + "/pods";
    for (int i = 0; i < warm; i++) {
      send("POST", pods, POD.formatted("warm-" + i), 201);
    }
    long[] latencies = new long[timed];
    long start = System.nanoTime();
    for (int i = 0; i < timed; i++) {
      long t0 = System.nanoTime();
      send("POST", pods, POD.formatted("node-js-pod-" + i), 201);
      latencies[i] = System.nanoTime() - t0;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Arrays.sort(latencies);
    System.out.printf("create reference Pod over HTTP, 1 client: %d timed (after %d warm-up):"
            + " %.0f /s, p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", timed, warm, timed / seconds,
        ms(latencies[timed / 2]), ms(latencies[(int) (timed * 0.99)]), ms(latencies[timed - 1]));
    send("DELETE", api + "/api/v1/namespaces/" + namespace, null, 200);
  }

  private static void send(String method, String url, String body, int expected)
      throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + System.getenv("CAPSTAN_TOKEN"))
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body))
        .timeout(Duration.ofSeconds(30))
        .build();
    HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != expected) {
      throw new IllegalStateException(method + " " + url + ": " + response.statusCode() + " "
          + response.body());
    }
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
