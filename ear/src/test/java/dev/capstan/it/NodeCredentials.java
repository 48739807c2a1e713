package dev.capstan.it;

import dev.capstan.agent.server.ServingTls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the tests give a node agent when they start one, as {@code bin/capstan} does: its own
 * token ({@code system:node:<name>} in {@code system:nodes}, a line added to the test servers'
 * token file, which they read again when it changes) and a serving certificate for its name and
 * address, issued with openssl by the test installation's CA ({@code target/it/tls}, made by the
 * build), key 0600. Also other certificates of that CA, for tests that present one.
 */
final class NodeCredentials {

  private static final Path TLS = Path.of(System.getProperty("it.dir"), "tls");
  private static final Path TOKENS = Path.of(System.getProperty("it.dir"), "tokens.csv");
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Broker users made, by server and node: an agent started again keeps its node's. */
  private static final java.util.Map<String, BrokerUser> BROKER_USERS = new java.util.HashMap<>();

  /** A certificate and its key, as PEM files. */
  record Issued(Path certificate, Path key) {}

  private NodeCredentials() {}

  /** The test installation's CA. */
  static Path ca() {
    return TLS.resolve("ca.crt");
  }

  /** A new token of the node's own identity, valid once this returns. */
  static synchronized String token(String node) {
    String token = "it-node-" + HexFormat.of().formatHex(RANDOM.generateSeed(12));
    try {
      // the build writes the file without a final line break
      String file = Files.readString(TOKENS, StandardCharsets.UTF_8);
      String separator = file.isEmpty() || file.endsWith("\n") ? "" : "\n";
      Files.writeString(TOKENS, separator + token + ",system:node:" + node + ",node-" + node
          + ",\"system:nodes\"\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      // the token file's modification time must move for the server to read it again
      Files.setLastModifiedTime(TOKENS, java.nio.file.attribute.FileTime.fromMillis(
          System.currentTimeMillis()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return token;
  }

  /**
   * A new bootstrap token of the node ({@code system:bootstrap:<node>} in
   * {@code system:bootstrappers}, as {@code bin/capstan} gives an agent it starts), which may
   * ask for that node's credential and nothing else.
   */
  static synchronized String bootstrapToken(String node) {
    String token = "it-bootstrap-" + HexFormat.of().formatHex(RANDOM.generateSeed(12));
    appendToken(token + ",system:bootstrap:" + node + ",bootstrap-" + node
        + ",\"system:bootstrappers\"");
    return token;
  }

  /** Takes a token out of the test servers' token file: it authenticates no more. */
  static synchronized void revoke(String token) {
    try {
      List<String> kept = Files.readAllLines(TOKENS, StandardCharsets.UTF_8).stream()
          .filter(line -> !line.startsWith(token + ",")).toList();
      Files.writeString(TOKENS, String.join("\n", kept) + "\n", StandardCharsets.UTF_8);
      Files.setLastModifiedTime(TOKENS, java.nio.file.attribute.FileTime.fromMillis(
          System.currentTimeMillis() + 1000));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void appendToken(String line) {
    try {
      String file = Files.readString(TOKENS, StandardCharsets.UTF_8);
      String separator = file.isEmpty() || file.endsWith("\n") ? "" : "\n";
      Files.writeString(TOKENS, separator + line + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.APPEND);
      Files.setLastModifiedTime(TOKENS, java.nio.file.attribute.FileTime.fromMillis(
          System.currentTimeMillis()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A broker user and its password. */
  record BrokerUser(String user, String password) {}

  /**
   * The node's own broker identity on the server, as {@code bin/capstan} makes it: the user
   * {@code capstan-node-<node>} (in the group of that name) added to the server's users file, which
   * it reads again when it changes, and the grant to consume the node's work topic alone, made on
   * the running server through its management interface (kept in its configuration). Made once
   * per server and node.
   */
  static synchronized BrokerUser brokerUser(TestServer server, String node) {
    return BROKER_USERS.computeIfAbsent(server.portOffset() + "/" + node,
        key -> newBrokerUser(server, node));
  }

  private static BrokerUser newBrokerUser(TestServer server, String node) {
    String user = dev.capstan.contract.Topics.nodeBrokerUser(node);
    String password = HexFormat.of().formatHex(RANDOM.generateSeed(12));
    String home = System.getProperty("jboss.home");
    run(List.of(home + "/bin/add-user.sh", "-a", "-u", user, "-p", password, "-g", user,
        "-sc", server.baseDirectory().resolve("configuration").toString()));
    String setting = "/subsystem=messaging-activemq/server=default/security-setting="
        + "jms.topic." + dev.capstan.contract.Topics.nodeWork(node);
    // a generous connection timeout: a busy machine answers the management port late
    run(List.of(home + "/bin/jboss-cli.sh", "--controller=127.0.0.1:" + server.managementPort(),
        "--timeout=60000",
        "--connect", "--commands=" + setting + ":add," + setting + "/role=" + user
            + ":add(consume=true,create-non-durable-queue=true,delete-non-durable-queue=true)"));
    return new BrokerUser(user, password);
  }

  /** The agent's endpoint for the node at the address, with a serving certificate of the CA. */
  static ServingTls servingTls(String node, String address) {
    Issued issued = issue("node-" + node, "/O=system:nodes/CN=system:node:" + node,
        "subjectAltName=DNS:" + node + ",IP:" + address + "\nextendedKeyUsage=serverAuth\n"
            + "keyUsage=critical,digitalSignature,keyEncipherment\n");
    return new ServingTls(address, issued.certificate(), issued.key(), ca());
  }

  /** A client certificate of the CA for another identity (say a node's or a user's). */
  static Issued clientCertificate(String name, String commonName, String organization) {
    return issue(name, "/O=" + organization + "/CN=" + commonName,
        "extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n");
  }

  /** A self-signed server certificate for 127.0.0.1 and the name, of no CA the cluster knows. */
  static Issued selfSigned(String name, String dnsName) {
    Path key = TLS.resolve(name + ".key");
    Path certificate = TLS.resolve(name + ".crt");
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2",
        "-subj", "/CN=" + dnsName, "-keyout", key.toString(), "-out", certificate.toString(),
        "-addext", "subjectAltName=DNS:" + dnsName + ",IP:127.0.0.1");
    return new Issued(certificate, key);
  }

  private static synchronized Issued issue(String name, String subject, String extensions) {
    Path key = TLS.resolve(name + ".key");
    Path request = TLS.resolve(name + ".csr");
    Path certificate = TLS.resolve(name + ".crt");
    Path extensionFile = TLS.resolve(name + ".ext");
    try {
      Files.writeString(extensionFile, extensions);
      openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", subject,
          "-keyout", key.toString(), "-out", request.toString());
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
      openssl("x509", "-req", "-sha256", "-days", "2", "-in", request.toString(),
          "-CA", ca().toString(), "-CAkey", TLS.resolve("ca.key").toString(),
          "-CAcreateserial", "-out", certificate.toString(), "-extfile",
          extensionFile.toString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return new Issued(certificate, key);
  }

  private static void openssl(String... arguments) {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(arguments));
    run(command);
  }

  private static void run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + ": " + output);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
