package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.ContainerController;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Secrets encrypted at rest: the suite's servers read the EncryptionConfiguration the ear pom
 * writes (an aesgcm key, then identity). What PostgreSQL holds is read directly; what users see
 * goes through kubectl. The key is rotated with {@code bin/capstan secrets rotate-key} against
 * the suite server, as an administrator would on an installation.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SecretsAtRestIT {

  private static final TestServer SERVER = TestServer.SUITE;
  private static final Path CONFIG = Path.of(System.getProperty("it.encryption.config"));
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern FIRST_KEY = Pattern.compile("- name: (\\S+)");

  private static final String SECOND = "capstan-restart";
  private static final String SECOND_DEPLOYMENT = "capstan-second-secrets";

  @ArquillianResource
  private ContainerController containers;

  @ArquillianResource
  private Deployer deployer;

  @Deployment(name = SECOND_DEPLOYMENT, managed = false, testable = false)
  @TargetsContainer(SECOND)
  static EnterpriseArchive second() {
    return TestServer.capstanEar();
  }

  @Test
  void secretsAreCiphertextInPostgresqlReadableThroughKubectlAcrossARotationAndForgottenOnDelete()
      throws Exception {
    String namespace = SERVER.newNamespace();
    Kubectl kubectl = Kubectl.against(SERVER);
    String password = "pw-" + UUID.randomUUID();
    String user = "user-" + UUID.randomUUID();
    String keyBefore = currentKey();

    Kubectl.Result created = kubectl.run("create", "secret", "generic", "db", "-n", namespace,
        "--from-literal=password=" + password, "-o", "jsonpath={.metadata.resourceVersion}");
    assertThat(created.exitCode()).as(created.toString()).isZero();
    long createdAt = Long.parseLong(created.out().strip());
    assertThat(kubectl.run("patch", "secret", "db", "-n", namespace, "--type", "merge", "-p",
        "{\"data\":{\"user\":\"" + base64(user) + "\"}}").exitCode()).isZero();

    List<String> plaintexts = List.of(password, base64(password), user, base64(user));
    assertEncryptedUnder(keyBefore, namespace, plaintexts);
    assertThat(changeBodies(namespace)).as("ADDED and MODIFIED in the change log").hasSize(2);

    // what users see is the plaintext, by get, list with a field selector, history and watch
    assertThat(kubectl.run("get", "secret", "db", "-n", namespace, "-o",
        "jsonpath={.data.password}").out()).isEqualTo(base64(password));
    assertThat(kubectl.run("get", "secrets", "-n", namespace, "--field-selector", "type=Opaque",
        "-o", "name").out()).contains("secret/db");
    assertThat(kubectl.run("get", "secrets", "-n", namespace, "--field-selector",
        "type=kubernetes.io/tls", "-o", "name").out()).doesNotContain("secret/db");
    String history = kubectl.run("get", "--raw",
        "/api/v1/namespaces/" + namespace + "/secrets/db/history").out();
    assertThat(history).contains(base64(password)).contains(base64(user));
    try (WatchLines watch = new WatchLines(SERVER.api("/api/v1/namespaces/" + namespace
        + "/secrets?watch=1&resourceVersion=" + (createdAt - 1) + "&timeoutSeconds=5"))) {
      JsonObject added = watch.next(Duration.ofSeconds(10));
      assertThat(added.getString("type")).isEqualTo("ADDED");
      assertThat(added.getJsonObject("object").getJsonObject("data").getString("password"))
          .isEqualTo(base64(password));
    }

    // rotation: a new key writes, every Secret and its history is re-encrypted, the old key goes
    // (the suite server keeps 10 s of change log: what remains of it must be under the new key)
    Run rotation = capstan(kubectl, "secrets", "rotate-key");
    assertThat(rotation.exitCode()).as(rotation.out()).isZero();
    String keyAfter = currentKey();
    assertThat(keyAfter).isNotEqualTo(keyBefore);
    assertThat(Files.readString(CONFIG)).doesNotContain(keyBefore);
    assertEncryptedUnder(keyAfter, namespace, plaintexts);
    assertThat(changeBodies(namespace)).as("the re-encrypting write is in the log").isNotEmpty();
    assertThat(kubectl.run("get", "secret", "db", "-n", namespace, "-o",
        "jsonpath={.data.password}").out()).isEqualTo(base64(password));
    // the history still in the change log reads under the new key (on a slow machine the
    // suite's 10 s window may have compacted all of it by now: then it is 404, rightly)
    Kubectl.Result historyAfter = kubectl.run("get", "--raw",
        "/api/v1/namespaces/" + namespace + "/secrets/db/history");
    if (historyAfter.exitCode() == 0) {
      assertThat(historyAfter.out()).contains(base64(user));
    } else {
      assertThat(historyAfter.err()).contains("NotFound");
      assertThat(changeBodies(namespace)).as("a 404 only once the log holds none of it")
          .isEmpty();
    }

    // deleted: its history goes with it; only the DELETED change stays for watchers, encrypted
    assertThat(kubectl.run("delete", "secret", "db", "-n", namespace).exitCode()).isZero();
    Kubectl.Result gone = kubectl.run("get", "--raw",
        "/api/v1/namespaces/" + namespace + "/secrets/db/history");
    assertThat(gone.exitCode()).isNotZero();
    assertThat(gone.err()).contains("NotFound");
    assertThat(Database.queryStrings("SELECT event_type FROM api_change WHERE kind = 'Secret'"
        + " AND namespace = ? AND name = 'db'", namespace)).containsExactly("DELETED");
    assertThat(changeBodies(namespace)).allSatisfy(body -> assertThat(body)
        .startsWith("\"k8s:enc:aesgcm:v1:" + keyAfter + ":"));
    assertThat(Http.get(SERVER.api("/api/v1/namespaces/" + namespace + "/secrets/db"))
        .statusCode()).isEqualTo(404);
  }

  /**
   * Two servers read the one configuration file: while the key is rotated, Secrets are written
   * through both, and afterwards every one reads back through both and is under the new key.
   */
  @Test
  void aRotationWhileTwoServersWriteLeavesEverySecretReadableOnBothUnderTheNewKey() {
    TestServer.runDeployed(containers, deployer, SECOND, SECOND_DEPLOYMENT, () -> {
      try {
        String namespace = SERVER.newNamespace();
        List<TestServer> servers = List.of(SERVER, TestServer.RESTART);
        List<String> names = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean rotating = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread writer = new Thread(() -> {
          for (int i = 0; rotating.get() || i < 4; i++) {
            String name = "s" + i;
            var created = Http.postJson(servers.get(i % 2).api("/api/v1/namespaces/" + namespace
                + "/secrets"), "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\""
                + name + "\"},\"stringData\":{\"v\":\"value-" + name + "\"}}");
            if (created.statusCode() == 201) {
              names.add(name);
            } else {
              failures.add(name + ": " + created.statusCode() + " " + created.body());
            }
          }
        }, "secret-writer");
        writer.start();
        Run rotation = capstan(Kubectl.against(SERVER), "secrets", "rotate-key");
        rotating.set(false);
        writer.join(60_000);
        assertThat(rotation.exitCode()).as(rotation.out()).isZero();
        String key = currentKey();

        assertThat(failures).as("creates during the rotation").isEmpty();
        assertThat(names).hasSizeGreaterThanOrEqualTo(4);
        for (String name : names) {
          for (TestServer server : servers) {
            JsonObject secret = Http.json(Http.get(server.api("/api/v1/namespaces/" + namespace
                + "/secrets/" + name)));
            assertThat(secret.getJsonObject("data").getString("v"))
                .isEqualTo(base64("value-" + name));
          }
        }
        assertThat(Database.queryStrings("SELECT body::text FROM api_object WHERE kind = 'Secret'"
            + " AND namespace = ?", namespace)).hasSize(names.size()).allSatisfy(body ->
            assertThat(body).startsWith("\"k8s:enc:aesgcm:v1:" + key + ":"));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** The object row and every change-log row hold ciphertext under this key and no plaintext. */
  private static void assertEncryptedUnder(String key, String namespace, List<String> plaintexts)
      throws Exception {
    List<String> bodies = new ArrayList<>(Database.queryStrings("SELECT body::text FROM api_object"
        + " WHERE kind = 'Secret' AND namespace = ? AND name = 'db'", namespace));
    assertThat(bodies).as("the object row").hasSize(1);
    bodies.addAll(changeBodies(namespace));
    for (String body : bodies) {
      assertThat(body).startsWith("\"k8s:enc:aesgcm:v1:" + key + ":");
      for (String plaintext : plaintexts) {
        assertThat(body).doesNotContain(plaintext);
      }
      assertThat(body).doesNotContain("password").doesNotContain("Opaque");
    }
  }

  private static List<String> changeBodies(String namespace) throws Exception {
    return Database.queryStrings("SELECT body::text FROM api_change WHERE kind = 'Secret'"
        + " AND namespace = ? AND name = 'db' ORDER BY revision", namespace);
  }

  /** The key Secrets are written with: the first aesgcm key of the configuration. */
  private static String currentKey() throws Exception {
    Matcher matcher = FIRST_KEY.matcher(Files.readString(CONFIG));
    assertThat(matcher.find()).as("a key in " + CONFIG).isTrue();
    return matcher.group(1);
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private record Run(int exitCode, String out) {}

  /** bin/capstan on the suite server's configuration, through the test kubeconfig. */
  private static Run capstan(Kubectl kubectl, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("bin/capstan").toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("secrets-at-rest-it", ".out");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(out.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("CAPSTAN_"));
    builder.environment().put("CAPSTAN_HOME", CONFIG.getParent().resolve("secrets-home").toString());
    builder.environment().put("CAPSTAN_ENCRYPTION_CONFIG", CONFIG.toString());
    builder.environment().put("CAPSTAN_KUBECONFIG", kubectl.kubeconfig().toString());
    // the suite's servers look at the file once a second
    builder.environment().put("CAPSTAN_ENCRYPTION_RELOAD_WAIT", "2");
    long started = System.nanoTime();
    Process process = builder.start();
    if (!process.waitFor(3, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("bin/capstan " + String.join(" ", args) + " did not finish");
    }
    String output = Files.readString(out);
    System.out.printf("bin/capstan %s (%.1f s):%n%s%n", String.join(" ", args),
        (System.nanoTime() - started) / 1e9, output);
    return new Run(process.exitValue(), output);
  }
}
