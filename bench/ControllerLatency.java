import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Controller reaction benchmark: prints figures, asserts nothing. Bounded, loopback only.
 * In a fresh namespace, creates N Deployments (replicas 0) one at a time and measures from the
 * create's answer to its ReplicaSet being listed (polled every 2 ms), then deletes the namespace.
 * Run: java bench/ControllerLatency.java <api-url> [N=20]   (bearer token from $CAPSTAN_TOKEN)
 */
public class ControllerLatency {

  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static final String TOKEN = System.getenv().getOrDefault("CAPSTAN_TOKEN", "");

  public static void main(String[] args) throws Exception {
    String api = args[0];
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    String namespace = "latency-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    send("POST", api + "/api/v1/namespaces",
        "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + namespace + "\"}}");
    List<Long> micros = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        String name = "d" + i;
        String body = """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%s"},
             "spec":{"replicas":0,"selector":{"matchLabels":{"app":"%s"}},
              "template":{"metadata":{"labels":{"app":"%s"}},
               "spec":{"containers":[{"name":"c","image":"capstan/busybox:1"}]}}}}"""
            .formatted(name, name, name);
        HttpResponse<String> created = send("POST", api + "/apis/apps/v1/namespaces/" + namespace
            + "/deployments", body);
        if (created.statusCode() != 201) {
          throw new IllegalStateException("create: " + created.statusCode() + " " + created.body());
        }
        long start = System.nanoTime();
        String list = api + "/apis/apps/v1/namespaces/" + namespace + "/replicasets?labelSelector=app%3D" + name;
        long deadline = start + Duration.ofSeconds(10).toNanos();
        while (!send("GET", list, null).body().contains("\"" + name + "-")) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("no ReplicaSet for " + name + " within 10 s");
          }
          Thread.sleep(2);
        }
        micros.add((System.nanoTime() - start) / 1_000);
      }
    } finally {
      send("DELETE", api + "/api/v1/namespaces/" + namespace, null);
    }
    List<Long> sorted = micros.stream().sorted().toList();
    System.out.printf("Deployment -> ReplicaSet listed, %d deployments: min %.1f ms, median %.1f ms,"
        + " p90 %.1f ms, max %.1f ms%n", n, sorted.get(0) / 1000.0,
        sorted.get(sorted.size() / 2) / 1000.0, sorted.get(sorted.size() * 9 / 10) / 1000.0,
        sorted.get(sorted.size() - 1) / 1000.0);
  }

  private static HttpResponse<String> send(String method, String url, String body)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (!TOKEN.isEmpty()) {
      request.header("Authorization", "Bearer " + TOKEN);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
