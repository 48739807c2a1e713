package dev.capstan.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The docker CLI against the engine the tests use ({@code DOCKER_HOST}), as a user would. */
final class Docker {

  record Result(int exitCode, String out) {}

  private Docker() {}

  static String host() {
    String host = System.getenv("DOCKER_HOST");
    return host == null || host.isBlank() ? "unix:///var/run/docker.sock" : host;
  }

  static Result run(String... args) {
    List<String> command = new ArrayList<>(List.of("docker", "-H", host()));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("docker " + String.join(" ", args) + " took over 60 s");
      }
      return new Result(process.exitValue(), out);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run docker", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An image with a TLS client in it: BusyBox and this machine's openssl with its libraries. */
  static final String TLS_CLIENT_IMAGE = "capstan-it/tls-client:1";

  /**
   * Builds {@link #TLS_CLIENT_IMAGE} unless it is there, as the local images are built (no
   * registry is reachable): a {@code docker import} of a root file system made here. BusyBox's own
   * TLS is too old for today's servers (no signature_algorithms), so pods that call HTTPS
   * services, as a client library in a pod does, use openssl.
   */
  static synchronized String tlsClientImage() {
    if (run("image", "inspect", TLS_CLIENT_IMAGE).exitCode() == 0) {
      return TLS_CLIENT_IMAGE;
    }
    String script = """
        set -e
        root=$(mktemp -d)
        trap 'rm -rf "$root"' EXIT
        mkdir -p "$root/bin" "$root/tmp" "$root/etc"
        cp /bin/busybox "$root/bin/"
        for applet in $(/bin/busybox --list); do
          [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
        done
        cp /usr/bin/openssl "$root/bin/openssl"
        for library in $(ldd /usr/bin/openssl | grep -o '/[^ ]*'); do
          cp --parents -L "$library" "$root"
        done
        tar -C "$root" -c . | docker -H "$0" import --change 'ENV PATH=/bin' - "$1"
        """;
    try {
      Process process = new ProcessBuilder("bash", "-c", script, host(), TLS_CLIENT_IMAGE)
          .redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("could not build " + TLS_CLIENT_IMAGE + ": " + out);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return TLS_CLIENT_IMAGE;
  }

  /** The id of the running container {@code container} of a pod on a node. */
  static String containerOf(String node, String namespace, String pod, String container) {
    Result result = run("ps", "-q", "--filter", "label=io.capstan.node=" + node,
        "--filter", "label=io.capstan.pod.namespace=" + namespace,
        "--filter", "label=io.capstan.pod.name=" + pod,
        "--filter", "label=io.capstan.container.name=" + container);
    String id = result.out().trim();
    if (result.exitCode() != 0 || id.isEmpty() || id.contains("\n")) {
      throw new IllegalStateException("no single running container " + container + " of pod "
          + namespace + "/" + pod + ": " + result.out());
    }
    return id;
  }

  /** Every container (running or not) of a pod on a node. */
  static List<String> containerIds(String node, String namespace, String pod) {
    Result result = run("ps", "-aq", "--filter", "label=io.capstan.node=" + node,
        "--filter", "label=io.capstan.pod.namespace=" + namespace,
        "--filter", "label=io.capstan.pod.name=" + pod);
    return result.out().lines().filter(line -> !line.isBlank()).toList();
  }

  static String exec(String container, String... command) {
    List<String> args = new ArrayList<>(List.of("exec", container));
    args.addAll(List.of(command));
    Result result = run(args.toArray(String[]::new));
    if (result.exitCode() != 0) {
      throw new IllegalStateException("docker exec " + String.join(" ", command) + " failed: "
          + result.out());
    }
    return result.out();
  }

  /** Removes a test node's containers, then its pod network (and so its bridge). */
  static void removeContainersOf(String node) {
    List<String> ids = run("ps", "-aq", "--filter", "label=io.capstan.node=" + node).out()
        .lines().filter(line -> !line.isBlank()).toList();
    if (!ids.isEmpty()) {
      List<String> args = new ArrayList<>(List.of("rm", "-f"));
      args.addAll(ids);
      run(args.toArray(String[]::new));
    }
    run("network", "rm", "capstan-" + node);
  }
}
