import dev.capstan.validation.schema.ModelClasses;
import dev.capstan.validation.schema.TypedFields;
import dev.capstan.validation.schema.UnknownFields;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.Arrays;

/**
 * Cost of typed decoding (issue 13) on the create path: for the reference manifests, the
 * decoding steps a create runs before admission, timed per request without and with
 * TypedFields (p50, p99, microseconds), and TypedFields alone. Prints figures, asserts nothing;
 * one thread.
 * Build first (mvn -o -q -pl ejb -am -DskipTests package), then run:
 *   the classpath is ejb/target/classes, the kubernetes-model-* jars of ~/.m2 (io/fabric8),
 *   jakarta.json-api and parsson 1.1.7: bench/typed-decoding.sh puts it together.
 */
public class TypedDecodingBench {

  /** One factory, as a server keeps one: Json.createReader looks the provider up every time. */
  private static final jakarta.json.JsonReaderFactory READERS = Json.createReaderFactory(java.util.Map.of());

  private static final String POD = """
      {"apiVersion":"v1","kind":"Pod","metadata":{"name":"node-js-pod","labels":{"name":"node-js"}},
       "spec":{"containers":[{"name":"node-js-pod","image":"bitnami/apache:latest",
         "ports":[{"containerPort":80}],"resources":{"limits":{"memory":"512Mi","cpu":"1500m"}},
         "livenessProbe":{"httpGet":{"path":"/status/","port":80},"initialDelaySeconds":30,
           "timeoutSeconds":1}}],
         "volumes":[{"name":"memory-volume","emptyDir":{"medium":"Memory"}}]}}""";

  private static final String DEPLOYMENT = """
      {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"node-js","labels":{"name":"node-js"}},
       "spec":{"replicas":3,"selector":{"matchLabels":{"name":"node-js"}},
         "strategy":{"rollingUpdate":{"maxSurge":"25%","maxUnavailable":1}},
         "template":{"metadata":{"labels":{"name":"node-js"}},
           "spec":{"containers":[{"name":"node-js","image":"jonbaier/node-express-info:latest",
             "ports":[{"containerPort":80}],"env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]}]}}}}""";

  private static final String CONFIG_MAP = """
      {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings","labels":{"track":"stable"}},
       "data":{"a":"1","b":"2","c":"3","d":"4","e":"5","f":"6","g":"7","h":"8"}}""";

  public static void main(String[] args) {
    run("Pod", "", POD);
    run("Deployment", "apps", DEPLOYMENT);
    run("ConfigMap", "", CONFIG_MAP);
  }

  private static void run(String kind, String group, String json) {
    Class<?> model = ModelClasses.of(group, kind).orElseThrow();
    int rounds = 10_000;
    for (int warm = 0; warm < 2; warm++) {
      time(json, model, false, rounds);
      time(json, model, true, rounds);
    }
    long[] without = time(json, model, false, rounds);
    long[] with = time(json, model, true, rounds);
    long[] typesOnly = typesOnly(json, model, rounds);
    System.out.printf("%-10s %4d B  decode without types p50 %6.2f µs p99 %6.2f µs | with types"
            + " p50 %6.2f µs p99 %6.2f µs | TypedFields alone p50 %5.2f µs p99 %5.2f µs%n",
        kind, json.length(), p(without, 50), p(without, 99), p(with, 50), p(with, 99),
        p(typesOnly, 50), p(typesOnly, 99));
  }

  private static long[] time(String json, Class<?> model, boolean types, int rounds) {
    long[] nanos = new long[rounds];
    long sink = 0;
    for (int i = 0; i < rounds; i++) {
      long start = System.nanoTime();
      JsonObject object = READERS.createReader(new StringReader(json)).readObject();
      if (types) {
        sink += TypedFields.mismatch(object, model).isPresent() ? 1 : 0;
      }
      sink += UnknownFields.of(object, model).size();
      sink += UnknownFields.pruned(object, model).size();
      nanos[i] = System.nanoTime() - start;
    }
    if (sink < 0) {
      System.out.println(sink);
    }
    return nanos;
  }

  private static long[] typesOnly(String json, Class<?> model, int rounds) {
    JsonObject object = Json.createReader(new StringReader(json)).readObject();
    long[] nanos = new long[rounds];
    long sink = 0;
    for (int i = 0; i < rounds; i++) {
      long start = System.nanoTime();
      sink += TypedFields.mismatch(object, model).isPresent() ? 1 : 0;
      nanos[i] = System.nanoTime() - start;
    }
    if (sink < 0) {
      System.out.println(sink);
    }
    return nanos;
  }

  private static double p(long[] nanos, int percentile) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, sorted.length * percentile / 100)] / 1000.0;
  }
}
