import dev.capstan.store.encryption.BodyTransformer;
import dev.capstan.store.encryption.EncryptionConfiguration;
import dev.capstan.store.entity.ObjectKey;

/**
 * Cost in Java of keeping bodies that hold U+0000 (which jsonb refuses) as a JSON string: what
 * writing (toStorage: the scan for the escape, and for such bodies the string form) and reading
 * (fromStorage) one ConfigMap body costs, for a body without and with U+0000, small and large.
 * Prints figures, asserts nothing; one thread.
 * Build first (mvn -o -q -pl jpa,ejb -am -DskipTests package), then run:
 *   java -cp ejb/target/classes:jpa/target/classes:$HOME/.m2/repository/org/snakeyaml/snakeyaml-engine/2.10/snakeyaml-engine-2.10.jar:$(ls $HOME/.m2/repository/org/eclipse/parsson/parsson/*/parsson-*.jar | tail -1):$(ls $HOME/.m2/repository/jakarta/json/jakarta.json-api/*/jakarta.json-api-*.jar | tail -1) bench/StorageBench.java
 */
public class StorageBench {

  private static final ObjectKey CONFIG_MAP = new ObjectKey("", "ConfigMap", "default", "cm");

  public static void main(String[] args) {
    BodyTransformer plain = new BodyTransformer(EncryptionConfiguration.parse("""
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
          - resources: [secrets]
            providers: [{identity: {}}]
        """));
    for (int dataBytes : new int[] {64, 4096, 65536}) {
      for (boolean nul : new boolean[] {false, true}) {
        String json = configMap(dataBytes, nul);
        String stored = plain.toStorage(CONFIG_MAP, json);
        int rounds = dataBytes > 10_000 ? 5_000 : 50_000;
        for (int warm = 0; warm < 3; warm++) {
          time(plain, json, stored, rounds);
        }
        double[] micros = time(plain, json, stored, rounds);
        System.out.printf("body %6d B %-9s stored %6d B as %-6s  write %7.2f µs  read %7.2f µs%n",
            json.length(), nul ? "with NUL" : "plain", stored.length(),
            BodyTransformer.isEnvelope(stored) ? "string" : "object", micros[0], micros[1]);
      }
    }
  }

  private static double[] time(BodyTransformer transformer, String json, String stored,
      int rounds) {
    long sink = 0;
    long start = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      sink += transformer.toStorage(CONFIG_MAP, json).length();
    }
    long written = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      sink += transformer.fromStorage(CONFIG_MAP, stored).json().length();
    }
    long read = System.nanoTime();
    if (sink == 42) {
      System.out.print("");
    }
    return new double[] {(written - start) / 1e3 / rounds, (read - written) / 1e3 / rounds};
  }

  private static String configMap(int dataBytes, boolean nul) {
    StringBuilder value = new StringBuilder();
    while (value.length() < dataBytes) {
      value.append("line of configuration ");
    }
    return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm\","
        + "\"namespace\":\"default\"},\"data\":{\"k\":\"" + value.substring(0, dataBytes)
        + (nul ? "\\u0000" : "") + "\"}}";
  }
}
