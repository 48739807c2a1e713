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
