import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * What jakarta.json.Json's static factories cost next to a provider looked up once: each
 * Json.create* call runs JsonProvider.provider(), a ServiceLoader lookup through the thread's
 * context class loader that instantiates a new provider. Plain JVM (class path: jakarta.json-api
 * and Parsson only), so this is the cheapest the lookup can be; inside WildFly the context class
 * loader is a deployment's module class loader and the lookup costs more. Prints nanoseconds per
 * call (median of R rounds of N calls each, after warm-up rounds); asserts nothing.
 * Run: bench/json-provider.sh [N=20000] [R=7]
 */
public class JsonProviderBench {

  private static final JsonProvider CACHED = JsonProvider.provider();
  private static long sink;

  public static void main(String[] args) {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    System.out.printf("provider: %s, java %s%n", CACHED.getClass().getName(),
        System.getProperty("java.version"));
    measure("Json.createObjectBuilder()        ", calls, rounds, Json::createObjectBuilder);
    measure("cached.createObjectBuilder()      ", calls, rounds, CACHED::createObjectBuilder);
    measureRead("JsonProvider.provider() alone     ", calls, rounds,
        () -> JsonProvider.provider() != null ? 1 : 0);
    String body = "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"},\"data\":{\"k\":\"v\"}}";
    measureRead("Json.createReader(..).readObject()", calls / 4, rounds,
        () -> Json.createReader(new StringReader(body)).readObject().size());
    measureRead("cached.createReader(..).readObject", calls / 4, rounds,
        () -> CACHED.createReader(new StringReader(body)).readObject().size());
    System.out.println(sink == 42 ? "" : "(done)");
  }

  private static void measure(String label, int calls, int rounds,
      Supplier<JsonObjectBuilder> builders) {
    measureRead(label, calls, rounds, () -> builders.get().add("k", 1).build().size());
  }

  private static void measureRead(String label, int calls, int rounds,
      java.util.function.IntSupplier work) {
    for (int warm = 0; warm < 3; warm++) {
      for (int i = 0; i < calls; i++) {
        sink += work.getAsInt();
      }
    }
    double[] perCall = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        sink += work.getAsInt();
      }
      perCall[r] = (System.nanoTime() - t0) / (double) calls;
    }
    Arrays.sort(perCall);
    System.out.printf("%s  median %8.1f ns/call  (min %.1f, max %.1f; %d rounds of %d)%n", label,
        perCall[rounds / 2], perCall[0], perCall[rounds - 1], rounds, calls);
  }
}
