import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scheduler benchmark: prints figures, asserts nothing. Bounded, loopback only.
 * Registers NODES hollow nodes (Ready, 32 cpus, tainted so no other pod lands on them), creates
 * PODS pods that tolerate the taint and ask for 100m cpu each, and measures from the first
 * create to the moment every pod has a node: pods bound per second.
 * Run: CAPSTAN_TOKEN=... java bench/SchedulerBench.java <api-url> [NODES=100] [PODS=1000]
 */
public class SchedulerBench {

  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final String TOKEN = System.getenv().getOrDefault("CAPSTAN_TOKEN", "");

  public static void main(String[] args) throws Exception {
    String api = args[0];
    int nodes = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int pods = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    String run = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    String namespace = "sched-" + run;
    String now = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int i = 0; i < nodes; i++) {
      String name = "hollow-" + run + "-" + i;
      pool.submit(() -> send("POST", api + "/api/v1/nodes", """
          {"apiVersion":"v1","kind":"Node","metadata":{"name":"%s","labels":{"bench":"%s"}},
           "spec":{"taints":[{"key":"capstan.dev/hollow","effect":"NoSchedule"}]},
           "status":{"allocatable":{"cpu":"32","memory":"64Gi","pods":"110"},
             "capacity":{"cpu":"32","memory":"64Gi","pods":"110"},
             "conditions":[{"type":"Ready","status":"True","lastHeartbeatTime":"%s"}]}}"""
          .formatted(name, run, now)));
    }
    pool.shutdown();
    pool.awaitTermination(5, TimeUnit.MINUTES);
    send("POST", api + "/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + namespace + "\"}}");
    System.out.printf("%d hollow nodes registered%n", nodes);

    long start = System.nanoTime();
    ExecutorService creators = Executors.newFixedThreadPool(8);
    for (int i = 0; i < pods; i++) {
      String name = "p" + i;
      creators.submit(() -> send("POST", api + "/api/v1/namespaces/" + namespace + "/pods", """
          {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s"},
           "spec":{"tolerations":[{"key":"capstan.dev/hollow","operator":"Exists"}],
            "nodeSelector":{"bench":"%s"},
            "containers":[{"name":"c","image":"capstan/busybox:1",
              "resources":{"requests":{"cpu":"100m","memory":"64Mi"}}}]}}""".formatted(name, run)));
    }
    creators.shutdown();
    creators.awaitTermination(10, TimeUnit.MINUTES);
    double created = (System.nanoTime() - start) / 1e9;
    Pattern names = Pattern.compile("\"nodeName\"");
    int bound = 0;
    while (bound < pods && (System.nanoTime() - start) / 1e9 < 600) {
      String list = send("GET", api + "/api/v1/namespaces/" + namespace + "/pods", null);
      bound = 0;
      Matcher matcher = names.matcher(list);
      while (matcher.find()) {
        bound++;
      }
      if (bound < pods) {
        Thread.sleep(200);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("%d pods created in %.1f s; all %d bound after %.1f s: %.0f pods bound/s"
        + " (%d nodes)%n", pods, created, bound, seconds, bound / seconds, nodes);
  }

  private static String send(String method, String url, String body) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
          .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json");
      if (!TOKEN.isEmpty()) {
        request.header("Authorization", "Bearer " + TOKEN);
      }
      request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofString(body));
      return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
