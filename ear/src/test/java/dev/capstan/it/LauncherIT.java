package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/capstan} as a user runs it, end to end: a cluster started with {@code up} (PostgreSQL,
 * its own dockerd, the control plane, the node agent) has each part killed with SIGKILL in turn,
 * and one {@code up} brings it back, starting only the dead part, with nothing lost; {@code status}
 * names the dead part; {@code down} then {@code up} after a crash brings it all back; and
 * {@code image load} brings an image built in another Docker engine to the pods.
 *
 * <p>The cluster has a home of its own under {@code target/}, and runs in a network namespace of
 * its own (entered with {@code nsenter}, which leaves the mount namespace alone, so dockerd sees
 * the cgroups): the dockerd this test kills has its own bridge and iptables, and nothing it
 * listens on (port offset 2000, PostgreSQL on 57432) meets the suite's servers, the suite's Docker
 * engine or a cluster a developer runs on this machine. The test kills only PIDs read from its
 * own home's PID files, after checking that the process names that home. It uses the build the
 * suite has just made ({@code CAPSTAN_BUILD=never}). Needs root (a network namespace, dockerd),
 * as the suite's own dockerd does. Having its own engine, rules and ports, it runs while another
 * fork's real nodes run.
 */
class LauncherIT {

  private static final String NETNS = "capstan-launcher-it";
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path HOME = Path.of("target", "launcher-it").toAbsolutePath();
  private static final String NAMESPACE = "launcher-it";
  private static final Duration UP_TIMEOUT = Duration.ofMinutes(8);
  private static final Duration RECOVERY = Duration.ofMinutes(3);

  /** A pod that tolerates any node outage (so a long one does not evict it), and a Deployment. */
  private static final String WORKLOAD = """
      apiVersion: v1
      kind: Namespace
      metadata: {name: launcher-it}
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: kept, namespace: launcher-it}
      data: {written: before-any-crash}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: sleeper, namespace: launcher-it}
      spec:
        terminationGracePeriodSeconds: 1
        tolerations:
        - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute}
        - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute}
        containers:
        - {name: sleeper, image: "capstan/busybox:1", command: [sleep, "3600"]}
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: launcher-it}
      spec:
        replicas: 1
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            terminationGracePeriodSeconds: 1
            containers:
            - {name: web, image: "capstan/busybox:1", command: [httpd, -f, -p, "8080"]}
      """;

  private static final Thread CLEANUP = new Thread(LauncherIT::removeCluster, "launcher-it-down");

  record Run(int exitCode, String out, Duration took) {}

  @BeforeAll
  static void startCluster() throws IOException {
    assumeTrue(new UnixSystem().getUid() == 0,
        "the launcher's test needs root (a network namespace and a dockerd of its own)");
    removeCluster();
    Files.createDirectories(HOME);
    exec(Duration.ofSeconds(30), "ip", "netns", "add", NETNS);
    exec(Duration.ofSeconds(30), "ip", "-n", NETNS, "link", "set", "lo", "up");
    Runtime.getRuntime().addShutdownHook(CLEANUP);

    Run up = capstan(UP_TIMEOUT, "up");
    assertThat(up.exitCode()).as(up.out()).isZero();
    assertThat(up.out()).contains("started: PostgreSQL, dockerd, the control plane, the node agent");
    Run status = capstan(Duration.ofMinutes(1), "status");
    assertThat(status.exitCode()).as(status.out()).isZero();
    assertThat(statusOf(status, "postgresql")).startsWith("running (private");
    assertThat(statusOf(status, "docker")).startsWith("running (own dockerd");
    assertThat(statusOf(status, "control plane")).startsWith("running").endsWith("ready)");
    assertThat(statusOf(status, "node agent")).startsWith("running").contains("launcher-it Ready");
  }

  @AfterAll
  static void stopCluster() {
    removeCluster();
    try {
      Runtime.getRuntime().removeShutdownHook(CLEANUP);
    } catch (IllegalStateException | IllegalArgumentException e) {
      // the JVM is shutting down already, or the hook was never added: nothing to remove
    }
  }

  @Test
  void upEncryptsSecretsWithAKeyOfItsOwnAndRotateKeyReplacesItWhileTheyStayReadable()
      throws IOException {
    Path config = HOME.resolve("secrets/encryption-config.yaml");
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(config))).isEqualTo("rw-------");
    String before = Files.readString(config);
    assertThat(before).contains("kind: EncryptionConfiguration").contains("- aesgcm:");
    String value = "launcher-" + java.util.UUID.randomUUID();
    Run created = kubectl(null, "create", "secret", "generic", "launcher-secret",
        "--from-literal=k=" + value);
    assertThat(created.exitCode()).as(created.out()).isZero();

    Run rotated = capstan(Duration.ofMinutes(2), "secrets", "rotate-key");

    assertThat(rotated.exitCode()).as(rotated.out()).isZero();
    assertThat(rotated.out()).contains("re-encrypted").contains("dropped the old key");
    String after = Files.readString(config);
    String oldKey = before.replaceAll("(?s).*?- name: (\\S+).*", "$1");
    assertThat(after).doesNotContain(oldKey).contains("- aesgcm:");
    Run read = kubectl(null, "get", "secret", "launcher-secret", "-o", "jsonpath={.data.k}");
    assertThat(read.out()).isEqualTo(java.util.Base64.getEncoder()
        .encodeToString(value.getBytes(StandardCharsets.UTF_8)));
    kubectl(null, "delete", "secret", "launcher-secret");
  }

  @Test
  void eachPartKilledInTurnComesBackWithOneUpAndNothingIsLost() {
    Run applied = kubectl(WORKLOAD, "apply", "-f", "-");
    assertThat(applied.exitCode()).as(applied.out()).isZero();
    String sleeperUid = awaitRunning();
    List<String> written = new ArrayList<>();

    // part, the line `status` shows it on, what `up` says when it starts it
    String[][] parts = {
        {"wildfly", "control plane", "starting the control plane"},
        {"agent", "node agent", "starting the node agent"},
        {"postgres", "postgresql", "PostgreSQL is not running (its postmaster"},
        {"dockerd", "docker", "dockerd is not running"},
    };
    for (String[] part : parts) {
      Map<String, Long> before = pids();
      killDead(part[0], before.get(part[0]));

      Run status = capstan(Duration.ofMinutes(1), "status");
      assertThat(status.exitCode()).as(status.out()).isEqualTo(1);
      assertThat(statusOf(status, part[1])).as(status.out()).matches("(stale|stopped).*");

      Run up = capstan(UP_TIMEOUT, "up");
      assertThat(up.exitCode()).as(up.out()).isZero();
      assertThat(up.out()).contains(part[2]);
      assertThat(up.out()).contains("started: " + title(part[0]) + "\n");
      Map<String, Long> after = pids();
      before.keySet().stream().filter(other -> !other.equals(part[0])).forEach(other ->
          assertThat(after.get(other)).as("%s after %s was killed and `up` ran", other, part[0])
              .isEqualTo(before.get(other)));
      assertThat(after.get(part[0])).isNotEqualTo(before.get(part[0]));

      nothingLost(sleeperUid, written);
      written.add(writeMarker("after-" + part[0]));
    }

    // down then up after a crash: the whole cluster comes back
    killDead("wildfly", pids().get("wildfly"));
    Run down = capstan(Duration.ofMinutes(3), "down");
    assertThat(down.exitCode()).as(down.out()).isZero();
    Run stopped = capstan(Duration.ofMinutes(1), "status");
    assertThat(stopped.exitCode()).isEqualTo(1);
    assertThat(stopped.out()).doesNotContain("running");
    Run up = capstan(UP_TIMEOUT, "up");
    assertThat(up.exitCode()).as(up.out()).isZero();
    assertThat(up.out()).contains("started: PostgreSQL, dockerd, the control plane, the node agent");
    nothingLost(sleeperUid, written);
  }

  @Test
  void imageLoadBringsAnImageBuiltInAnotherEngineToThePods() throws IOException {
    String engine = Docker.host();
    String[] images = {"launcher-it/greeter:1", "launcher-it/greeter:2"};
    Path archive = HOME.resolveSibling("launcher-it-greeter.tar");
    try {
      // as a user builds an image, in the engine of their own docker CLI (here the suite's)
      Run built = exec(Duration.ofMinutes(2), """
          FROM capstan/busybox:1
          ENV GREETING="hello from a user image"
          CMD ["sh", "-c", "echo $GREETING"]
          """, List.of("docker", "-H", engine, "build", "-t", images[0], "-"));
      assertThat(built.exitCode()).as(built.out()).isZero();

      Run copied = capstan(Duration.ofMinutes(2), "image", "load", "--from", engine, images[0]);
      assertThat(copied.exitCode()).as(copied.out()).isZero();
      assertThat(copied.out()).contains("loaded " + images[0]);

      assertThat(Docker.run("tag", images[0], images[1]).exitCode()).isZero();
      assertThat(Docker.run("save", "-o", archive.toString(), images[1]).exitCode()).isZero();
      Run loaded = capstan(Duration.ofMinutes(2), "image", "load", "-i", archive.toString());
      assertThat(loaded.exitCode()).as(loaded.out()).isZero();

      Run missing = capstan(Duration.ofMinutes(1), "image", "load", "--from", engine,
          "launcher-it/none:1");
      assertThat(missing.exitCode()).isEqualTo(1);
      assertThat(missing.out()).contains("there is no image launcher-it/none:1");

      // no registry: Never, and IfNotPresent (the default for a tag other than latest)
      assertThat(kubectl(null, "run", "greeter-1", "-n", "default", "--restart=Never",
          "--image=" + images[0], "--image-pull-policy=Never").exitCode()).isZero();
      assertThat(kubectl(null, "run", "greeter-2", "-n", "default", "--restart=Never",
          "--image=" + images[1]).exitCode()).isZero();
      for (String pod : new String[] {"greeter-1", "greeter-2"}) {
        await().atMost(RECOVERY).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
            assertThat(kubectl(null, "get", "pod", pod, "-n", "default",
                "-o", "jsonpath={.status.phase}").out()).isEqualTo("Succeeded"));
        assertThat(kubectl(null, "logs", pod, "-n", "default").out().trim())
            .isEqualTo("hello from a user image");
      }
    } finally {
      for (String image : images) {
        Docker.run("rmi", image);
      }
      Files.deleteIfExists(archive);
    }
  }

  /** Objects written before are there, the pod runs again, the Deployment is ready, kubectl works. */
  private static void nothingLost(String sleeperUid, List<String> written) {
    assertThat(kubectl(null, "get", "configmap", "kept", "-n", NAMESPACE,
        "-o", "jsonpath={.data.written}").out()).isEqualTo("before-any-crash");
    for (String name : written) {
      Run marker = kubectl(null, "get", "configmap", name, "-n", NAMESPACE);
      assertThat(marker.exitCode()).as(marker.out()).isZero();
    }
    assertThat(awaitRunning()).as("the same pod, not a new one").isEqualTo(sleeperUid);
    await().atMost(RECOVERY).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
        assertThat(kubectl(null, "get", "deployment", "web", "-n", NAMESPACE,
            "-o", "jsonpath={.status.readyReplicas}").out()).isEqualTo("1"));
    await().atMost(RECOVERY).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      Run status = capstan(Duration.ofMinutes(1), "status");
      assertThat(status.exitCode()).as(status.out()).isZero();
    });
  }

  /** Waits for the pod sleeper to be Running and ready; its uid. */
  private static String awaitRunning() {
    await().atMost(RECOVERY).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
        assertThat(kubectl(null, "get", "pod", "sleeper", "-n", NAMESPACE, "-o",
            "jsonpath={.status.phase} {.status.containerStatuses[0].ready}").out())
            .isEqualTo("Running true"));
    return kubectl(null, "get", "pod", "sleeper", "-n", NAMESPACE,
        "-o", "jsonpath={.metadata.uid}").out();
  }

  /**
   * A write after the repair. With apply, not create: once, right after a restart of the control
   * plane, kubectl's create came back "already exists" for an object it had just written (a
   * request the client sent twice), which is not what this test is about.
   */
  private static String writeMarker(String name) {
    Run created = kubectl("""
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: %s, namespace: %s}
        data: {at: %s}
        """.formatted(name, NAMESPACE, name), "apply", "-f", "-");
    assertThat(created.exitCode()).as(created.out()).isZero();
    assertThat(kubectl(null, "get", "configmap", name, "-n", NAMESPACE,
        "-o", "jsonpath={.data.at}").out()).isEqualTo(name);
    return name;
  }

  // --- the cluster's processes -----------------------------------------------------------------

  /** The PID of each part, from the PID files of this test's home. */
  private static Map<String, Long> pids() {
    Map<String, Long> pids = new LinkedHashMap<>();
    for (String part : new String[] {"wildfly", "agent", "dockerd"}) {
      pids.put(part, readPid(HOME.resolve("run").resolve(part + ".pid")));
    }
    pids.put("postgres", readPid(HOME.resolve("postgres/data/postmaster.pid")));
    return pids;
  }

  private static long readPid(Path file) {
    try {
      return Long.parseLong(Files.readAllLines(file).get(0).trim());
    } catch (IOException e) {
      throw new IllegalStateException("no PID file " + file, e);
    }
  }

  /** SIGKILL to a part's process, after checking it is this test's; waits until it is gone. */
  private static void killDead(String part, long pid) {
    String marker = switch (part) {
      case "wildfly" -> "-Djboss.server.base.dir=" + HOME.resolve("wildfly");
      case "agent" -> "CAPSTAN_AGENT_DIR=" + HOME.resolve("agent");
      case "dockerd" -> HOME.resolve("docker/root").toString();
      case "postgres" -> realPath(HOME.resolve("postgres")).resolve("data").toString();
      default -> throw new IllegalArgumentException(part);
    };
    String file = part.equals("agent") ? "environ" : "cmdline";
    try {
      String identity = Files.readString(Path.of("/proc", Long.toString(pid), file));
      assertThat(identity.split("\0")).as("process %d is this test's %s", pid, part)
          .contains(marker);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/" + pid + "/" + file, e);
    }
    ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
    process.destroyForcibly();
    await().atMost(Duration.ofSeconds(30)).until(() -> !process.isAlive() || isZombie(pid));
  }

  private static boolean isZombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return true;
    }
  }

  private static Path realPath(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String title(String part) {
    return switch (part) {
      case "postgres" -> "PostgreSQL";
      case "wildfly" -> "the control plane";
      case "agent" -> "the node agent";
      default -> part;
    };
  }

  /** The rest of `status`'s line for a part. */
  private static String statusOf(Run status, String part) {
    return status.out().lines().filter(line -> line.startsWith(part + " "))
        .map(line -> line.substring(part.length()).trim()).findFirst()
        .orElseThrow(() -> new AssertionError("no line for " + part + " in:\n" + status.out()));
  }

  /**
   * Stops a cluster of an earlier or this run: {@code down}, then whatever still runs in the
   * namespace (only this test's processes live there), then the namespace itself.
   */
  private static void removeCluster() {
    if (!Files.exists(Path.of("/run/netns", NETNS))) {
      return;
    }
    if (Files.exists(HOME.resolve("run"))) {
      capstan(Duration.ofMinutes(3), "down");
    }
    Run left = exec(Duration.ofSeconds(30), "ip", "netns", "pids", NETNS);
    left.out().lines().filter(line -> line.matches("\\d+")).map(Long::parseLong)
        .forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    exec(Duration.ofSeconds(30), "ip", "netns", "delete", NETNS);
    killOrphanedContainers();
    // what dockerd leaves mounted would keep `mvn clean` from removing target/
    try (var mounts = Files.lines(Path.of("/proc/mounts"))) {
      mounts.map(line -> line.split(" ")[1]).filter(path -> path.startsWith(HOME + "/"))
          .sorted(Comparator.reverseOrder()).toList()
          .forEach(path -> exec(Duration.ofSeconds(30), "umount", "-l", path));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Only when `down` could not stop this test's dockerd: the processes of its containers (their
   * cgroups name the containers of its data root), which would otherwise outlive it.
   */
  private static void killOrphanedContainers() {
    Path containers = HOME.resolve("docker/root/containers");
    if (!Files.isDirectory(containers)) {
      return;
    }
    try (var ids = Files.list(containers); var processes = Files.list(Path.of("/proc"))) {
      List<String> ours = ids.map(path -> path.getFileName().toString()).toList();
      processes.filter(path -> path.getFileName().toString().matches("\\d+")).forEach(path -> {
        try {
          String cgroup = Files.readString(path.resolve("cgroup"));
          if (ours.stream().anyMatch(cgroup::contains)) {
            ProcessHandle.of(Long.parseLong(path.getFileName().toString()))
                .ifPresent(ProcessHandle::destroyForcibly);
          }
        } catch (IOException e) {
          // the process is gone already
        }
      });
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  // --- running commands ------------------------------------------------------------------------

  /** bin/capstan in the cluster's namespace, with this test's settings and nothing of the suite's. */
  private static Run capstan(Duration timeout, String... args) {
    List<String> command = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + NETNS,
        ROOT.resolve("bin/capstan").toString()));
    command.addAll(List.of(args));
    Run run = exec(timeout, null, command);
    System.out.printf("bin/capstan %s: exit %d after %.1f s%n%s%n", String.join(" ", args),
        run.exitCode(), run.took().toMillis() / 1000.0, run.out());
    return run;
  }

  private static Run kubectl(String stdin, String... args) {
    List<String> command = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + NETNS,
        "kubectl", "--kubeconfig", HOME.resolve("kubeconfig").toString()));
    command.addAll(List.of(args));
    return exec(Duration.ofMinutes(1), stdin, command);
  }

  private static Run exec(Duration timeout, String... command) {
    return exec(timeout, null, List.of(command));
  }

  private static Run exec(Duration timeout, String stdin, List<String> command) {
    long started = System.nanoTime();
    Path out = null;
    try {
      out = Files.createTempFile("launcher-it", ".out");
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(out.toFile());
      Map<String, String> env = builder.environment();
      env.keySet().removeIf(name -> name.startsWith("CAPSTAN_") || name.startsWith("DOCKER_")
          || name.startsWith("JBOSS_") || name.startsWith("PG") || name.equals("JAVA_OPTS")
          || name.equals("KUBECONFIG"));
      env.put("CAPSTAN_HOME", HOME.toString());
      env.put("CAPSTAN_PORT_OFFSET", "2000");
      env.put("CAPSTAN_DOCKER", "own");
      env.put("CAPSTAN_BUILD", "never");
      // C1 only, as the suite's own servers (arquillian.xml): this class boots WildFly four times
      env.put("CAPSTAN_WILDFLY_JVM_OPTIONS", "-XX:TieredStopAtLevel=1");
      env.put("CAPSTAN_NODE_NAME", "launcher-it");
      env.put("CAPSTAN_AGENT_NAME", "launcher-it");
      env.put("CAPSTAN_CLUSTER_CIDR", "10.246.0.0/16");
      Process process = builder.start();
      try (var input = process.getOutputStream()) {
        if (stdin != null) {
          input.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout
            + ":\n" + Files.readString(out));
      }
      return new Run(process.exitValue(), Files.readString(out),
          Duration.ofNanos(System.nanoTime() - started));
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException e) {
          // a temporary file left behind does no harm
        }
      }
    }
  }
}
