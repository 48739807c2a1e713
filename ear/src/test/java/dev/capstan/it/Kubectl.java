package dev.capstan.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real kubectl ({@code /usr/bin/kubectl}, which picks the client matching the server's
 * version) run against a test server through a kubeconfig of its own, over HTTPS (the test
 * servers use WildFly's self-signed certificate, hence {@code insecure-skip-tls-verify}; the
 * launcher's kubeconfig verifies its own CA instead).
 */
final class Kubectl {

  private final Path kubeconfig;
  private final String binary;

  private Kubectl(Path kubeconfig, String binary) {
    this.kubeconfig = kubeconfig;
    this.binary = binary;
  }

  /** The same kubeconfig with another kubectl binary (e.g. a versioned client). */
  Kubectl using(Path kubectlBinary) {
    return new Kubectl(kubeconfig, kubectlBinary.toString());
  }

  /**
   * The newest versioned client installed beside the {@code kubectl} on the PATH (the Cloud
   * SDK's dispatcher keeps {@code kubectl.1.27} ... {@code kubectl.1.33} next to itself and runs
   * the one matching the server), if there is one.
   */
  static Optional<Path> newestClient() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path kubectl = Path.of(dir, "kubectl");
      if (!Files.isExecutable(kubectl)) {
        continue;
      }
      try (var files = Files.list(kubectl.toRealPath().getParent())) {
        return files.filter(file -> file.getFileName().toString().matches("kubectl\\.1\\.\\d+"))
            .max(Comparator.comparingInt(file -> Integer.parseInt(
                file.getFileName().toString().substring("kubectl.1.".length()))));
      } catch (IOException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  static Kubectl against(TestServer server) {
    return against(server, Http.token(), "kubeconfig-" + server.portOffset());
  }

  /** kubectl with a kubeconfig that carries the given token. */
  static Kubectl withToken(TestServer server, String token) {
    return against(server, token, "kubeconfig-other-" + server.portOffset());
  }

  private static Kubectl against(TestServer server, String token, String fileName) {
    try {
      Path dir = Path.of(System.getProperty("it.dir", "target/it"));
      Files.createDirectories(dir);
      Path file = dir.resolve(fileName);
      Files.writeString(file, """
          apiVersion: v1
          kind: Config
          clusters:
          - name: it
            cluster:
              server: %s
              insecure-skip-tls-verify: true
          users:
          - name: it
            user: %s
          contexts:
          - name: it
            context: {cluster: it, user: it, namespace: default}
          current-context: it
          """.formatted(server.secureApi().toString(),
          token == null ? "{}" : "{token: " + token + "}"));
      return new Kubectl(file, "kubectl");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The kubeconfig this kubectl uses (for tools that call kubectl themselves). */
  Path kubeconfig() {
    return kubeconfig;
  }

  /** Runs kubectl with the arguments and the manifest as its standard input. */
  Result withInput(String stdin, String... args) {
    return execute(new ProcessBuilder(command(args)), stdin, args);
  }

  Result run(String... args) {
    return withInput(null, args);
  }

  /** Runs kubectl with an extra environment variable (e.g. {@code KUBE_EDITOR} for edit). */
  Result withEnvironment(String name, String value, String... args) {
    ProcessBuilder builder = new ProcessBuilder(command(args));
    builder.environment().put(name, value);
    return execute(builder, null, args);
  }

  private List<String> command(String... args) {
    List<String> command = new ArrayList<>(List.of(binary, "--kubeconfig", kubeconfig.toString()));
    command.addAll(List.of(args));
    return command;
  }

  private static Result execute(ProcessBuilder builder, String stdin, String... args) {
    try {
      Process process = builder.start();
      if (stdin != null) {
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      process.getOutputStream().close();
      // both streams are read aside, so a kubectl that never ends (a delete waiting for a
      // finalizer) fails its test after the timeout instead of hanging the suite
      CompletableFuture<byte[]> out = readAside(process.getInputStream());
      CompletableFuture<byte[]> err = readAside(process.getErrorStream());
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("kubectl " + String.join(" ", args)
            + " did not finish in 120 s");
      }
      return new Result(process.exitValue(), new String(out.join(), StandardCharsets.UTF_8),
          new String(err.join(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot run kubectl: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static CompletableFuture<byte[]> readAside(InputStream stream) {
    return CompletableFuture.supplyAsync(() -> {
      try (stream) {
        return stream.readAllBytes();
      } catch (IOException e) {
        return new byte[0];
      }
    });
  }

  /** Starts a long-running kubectl (e.g. {@code get -w}); the caller destroys it. */
  Process start(String... args) {
    return startWithEnvironment(Map.of(), args);
  }

  /** Starts a long-running kubectl with extra environment variables. */
  Process startWithEnvironment(Map<String, String> environment, String... args) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command(args)).redirectErrorStream(true);
      builder.environment().putAll(environment);
      return builder.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run kubectl: " + e.getMessage(), e);
    }
  }

  /** What a started kubectl printed, read until the text appears or the time is up. */
  static String readUntil(Process process, String text, java.time.Duration timeout)
      throws IOException, InterruptedException {
    StringBuilder output = new StringBuilder();
    long deadline = System.nanoTime() + timeout.toNanos();
    var in = process.getInputStream();
    while (System.nanoTime() < deadline && !output.toString().contains(text)) {
      if (in.available() > 0) {
        output.append(new String(in.readNBytes(in.available()), StandardCharsets.UTF_8));
      } else {
        Thread.sleep(100);
      }
    }
    return output.toString();
  }

  /** What kubectl printed and how it exited. */
  record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
  }
}
