package dev.capstan.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Gives each failsafe fork a test installation of its own, so integration classes run in
 * parallel (failsafe's {@code forkCount}) without meeting each other: before any test of the
 * fork runs, it copies what {@code pre-integration-test} prepared in {@code it.dir} (the test
 * servers' base directories, tokens, CA, keys, encryption and audit configuration) to
 * {@code it.dir/fork-N}, makes the database {@code <CAPSTAN_DB_URL's database>_fork_N} afresh,
 * and sets the system properties that arquillian.xml and the tests read: {@code it.dir} (now the
 * fork's), the four servers' port offsets and management ports, the database URL, and a pod
 * range, a service range and node ports of the fork's own ({@code capstan.cluster-cidr},
 * {@code capstan.service.cidr}, {@code capstan.service.node-port-range}).
 *
 * <p>A fork's servers listen at a base port offset (the suite server), {@code +100} (restart),
 * {@code +200} (no database) and {@code +300} (leader); the bases are 1000 for fork 1 (the
 * offsets the suite always had) and 3000 for fork 2 (2000 is LauncherIT's cluster). No port of
 * one meets a port of another or of {@code bin/capstan up} (see {@code bin/capstan test}'s port
 * check); a third fork would push the broker's port (61616 + offset) past 65535, so there are at
 * most two. With pod, service and node port ranges of their own, the real node agents of two
 * forks share one Docker engine and one host's iptables as two clusters on one machine do,
 * without meeting (their node names are random, and an agent only touches containers, bridges
 * and chains of its own node), so classes with real nodes run in both forks at once. A test
 * that asserts on the machine's Docker or iptables filters by its own node name or chains.
 *
 * <p>It runs as a JUnit {@link LauncherSessionListener} (registered in META-INF/services), so it
 * runs once per fork JVM before Arquillian reads arquillian.xml.
 */
public class ForkEnvironment implements LauncherSessionListener {

  private static final int[] BASE_OFFSETS = {1000, 3000};
  private static final int MANAGEMENT_PORT = 9990;
  private static final String SERVICE_CIDR = "capstan.service.cidr";
  private static final String NODE_PORT_RANGE = "capstan.service.node-port-range";

  private SuiteServer suiteServer;

  /** The servers of arquillian.xml, in the order of their offsets within a fork. */
  enum Server {
    CAPSTAN("capstan"), RESTART("capstan-restart"), NO_DATABASE("capstan-nodb"),
    LEADER("capstan-leader");

    final String directory;

    Server(String directory) {
      this.directory = directory;
    }

    int portOffset() {
      if (fork() > BASE_OFFSETS.length) {
        throw new IllegalStateException("at most " + BASE_OFFSETS.length + " failsafe forks");
      }
      return BASE_OFFSETS[fork() - 1] + ordinal() * 100;
    }
  }

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    if (System.getProperty("it.shared.dir") != null || System.getProperty("it.dir") == null) {
      return; // prepared already, or not the ear module's failsafe run
    }
    Path shared = Path.of(System.getProperty("it.dir")).toAbsolutePath();
    Path own = shared.resolve("fork-" + fork());
    copyInstallation(shared, own);
    System.setProperty("it.shared.dir", shared.toString());
    System.setProperty("it.dir", own.toString());
    System.setProperty("it.audit.log", own.resolve("audit/audit.log").toString());
    System.setProperty("it.encryption.config",
        own.resolve("encryption-config.yaml").toString());
    for (Server server : Server.values()) {
      System.setProperty("it.offset." + server.directory, String.valueOf(server.portOffset()));
      System.setProperty("it.management-port." + server.directory,
          String.valueOf(MANAGEMENT_PORT + server.portOffset()));
    }
    // 10.245.0.0/16 for fork 1 (as the suite always used, apart from `up`'s 10.244.0.0/16),
    // 10.247.0.0/16 for fork 2 (LauncherIT's cluster uses 10.246.0.0/16)
    System.setProperty("capstan.cluster-cidr", "10." + (243 + 2 * fork()) + ".0.0/16");
    System.setProperty(SERVICE_CIDR, serviceCidr(fork()));
    System.setProperty(NODE_PORT_RANGE, nodePortRange(fork()));
    System.setProperty("it.db.url", recreateDatabase());
    suiteServer = SuiteServer.start();
  }

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    if (suiteServer != null) {
      suiteServer.stop();
    }
  }

  /**
   * The fork's service range: 10.112.0.0/16 for fork 1, 10.113.0.0/16 for fork 2. Each cluster on
   * a machine needs one of its own, since its agents' iptables rules catch every packet to its
   * cluster IPs; neither is Kubernetes' default 10.96.0.0/12, which a cluster of {@code bin/capstan
   * up} on this machine uses. ear/pom.xml puts both kubernetes Service IPs (the first address of
   * each) in the test API certificate.
   */
  static String serviceCidr(int fork) {
    return "10." + (111 + fork) + ".0.0/16";
  }

  /**
   * The fork's node ports: Kubernetes' 30000-32767 cut in two (30000-31383, 31384-32767), since a
   * node port rule catches the port on every address of the machine, whichever cluster's agent
   * wrote it.
   */
  static String nodePortRange(int fork) {
    int first = 30000 + (fork - 1) * 1384;
    return first + "-" + (first + 1383);
  }

  /** This fork's service range, as its servers use it. */
  static String serviceCidr() {
    return System.getProperty(SERVICE_CIDR, serviceCidr(fork()));
  }

  /**
   * The address {@code index} places after this fork's service range's network address: 1 is
   * the kubernetes Service's.
   */
  static String serviceIp(int index) {
    String cidr = serviceCidr();
    String[] octets = cidr.substring(0, cidr.indexOf('/')).split("\\.");
    long address = 0;
    for (String octet : octets) {
      address = address << 8 | Integer.parseInt(octet);
    }
    address += index;
    return (address >> 24 & 255) + "." + (address >> 16 & 255) + "." + (address >> 8 & 255) + "."
        + (address & 255);
  }

  /** The first port of this fork's node port range. */
  static int firstNodePort() {
    String range = System.getProperty(NODE_PORT_RANGE, nodePortRange(fork()));
    return Integer.parseInt(range.substring(0, range.indexOf('-')));
  }

  /** The last port of this fork's node port range. */
  static int lastNodePort() {
    String range = System.getProperty(NODE_PORT_RANGE, nodePortRange(fork()));
    return Integer.parseInt(range.substring(range.indexOf('-') + 1));
  }

  /** This JVM's fork number, 1 when failsafe does not say (one fork). */
  static int fork() {
    String fork = System.getProperty("it.fork", "");
    return fork.isBlank() ? 1 : Integer.parseInt(fork.strip(), 10);
  }

  /** The database this fork's servers and tests use, as a JDBC URL. */
  static String databaseUrl() {
    return System.getProperty("it.db.url", baseDatabaseUrl());
  }

  private static String baseDatabaseUrl() {
    String url = System.getenv("CAPSTAN_DB_URL");
    return url == null || url.isEmpty() ? "jdbc:postgresql://127.0.0.1:5432/capstan" : url;
  }

  private static String recreateDatabase() {
    String base = baseDatabaseUrl();
    int query = base.indexOf('?');
    String path = query < 0 ? base : base.substring(0, query);
    String name = path.substring(path.lastIndexOf('/') + 1) + "_fork_" + fork();
    try (Connection connection = DriverManager.getConnection(base, Database.user(),
        Database.password());
        Statement statement = connection.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot make the fork's database " + name + " at " + base,
          e);
    }
    return path.substring(0, path.lastIndexOf('/') + 1) + name
        + (query < 0 ? "" : base.substring(query));
  }

  private static void copyInstallation(Path shared, Path own) {
    try {
      delete(own);
      Files.walkFileTree(shared, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes)
            throws IOException {
          if (!directory.equals(shared)
              && directory.getFileName().toString().startsWith("fork-")
              && directory.getParent().equals(shared)) {
            return FileVisitResult.SKIP_SUBTREE; // another fork's copy
          }
          Files.createDirectories(own.resolve(shared.relativize(directory).toString()));
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
            throws IOException {
          Files.copy(file, own.resolve(shared.relativize(file).toString()),
              StandardCopyOption.COPY_ATTRIBUTES);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the test installation to " + own, e);
    }
  }

  private static void delete(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path path : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(path);
      }
    }
  }
}
