import dev.capstan.store.encryption.BodyTransformer;
import dev.capstan.store.encryption.EncryptionConfiguration;
import dev.capstan.store.entity.ObjectKey;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Cost of Secrets at rest: prints what writing (toStorage) and reading (fromStorage) one Secret
 * body costs with aesgcm, aescbc and without encryption, for a small and a large Secret. Prints
 * figures, asserts nothing; one thread.
 * Build first (mvn -o -q -pl jpa,ejb -am -DskipTests package), then run:
 *   java -cp ejb/target/classes:jpa/target/classes:$HOME/.m2/repository/org/snakeyaml/snakeyaml-engine/2.10/snakeyaml-engine-2.10.jar bench/EncryptionBench.java
 */
public class EncryptionBench {

  private static final ObjectKey SECRET = new ObjectKey("", "Secret", "default", "db");

  public static void main(String[] args) {
    for (int dataBytes : new int[] {64, 4096, 65536}) {
      String json = secret(dataBytes);
      for (String provider : new String[] {"identity", "aesgcm", "aescbc"}) {
        BodyTransformer transformer = new BodyTransformer(EncryptionConfiguration.parse(
            config(provider)));
        String stored = transformer.toStorage(SECRET, json);
        int rounds = dataBytes > 10_000 ? 5_000 : 50_000;
        for (int warm = 0; warm < 3; warm++) {
          time(transformer, json, stored, rounds);
        }
        double[] micros = time(transformer, json, stored, rounds);
        System.out.printf("%-8s body %6d B  stored %6d B  write %7.2f µs  read %7.2f µs%n",
            provider, json.length(), stored.length(), micros[0], micros[1]);
      }
    }
  }

  private static double[] time(BodyTransformer transformer, String json, String stored,
      int rounds) {
    long sink = 0;
    long start = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      sink += transformer.toStorage(SECRET, json).length();
    }
    long written = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      sink += transformer.fromStorage(SECRET, stored).json().length();
    }
    long read = System.nanoTime();
    if (sink == 42) {
      System.out.println();
    }
    return new double[] {(written - start) / 1e3 / rounds, (read - written) / 1e3 / rounds};
  }

  private static String secret(int dataBytes) {
    byte[] data = new byte[dataBytes];
    new SecureRandom().nextBytes(data);
    return "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\",\"namespace\":"
        + "\"default\",\"uid\":\"5b1c2f0e-7d0a-4c1e-9f3e-0c1f2a3b4c5d\",\"resourceVersion\":"
        + "\"1234\",\"creationTimestamp\":\"2026-12-06T09:00:00Z\"},\"type\":\"Opaque\","
        + "\"data\":{\"blob\":\"" + Base64.getEncoder().encodeToString(data) + "\"}}";
  }

  private static String config(String provider) {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    String providers = provider.equals("identity") ? "[{identity: {}}]"
        : "[{" + provider + ": {keys: [{name: k1, secret: \"" + Base64.getEncoder()
            .encodeToString(key) + "\"}]}}, {identity: {}}]";
    return "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\n"
        + "resources: [{resources: [secrets], providers: " + providers + "}]\n";
  }
}
