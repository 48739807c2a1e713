package dev.capstan.agent.probes;

import dev.capstan.agent.runtime.ContainerRuntime;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one probe once, as the kubelet does: {@code httpGet} succeeds on a status from 200 to
 * 399, {@code tcpSocket} when a connection opens, {@code exec} when the command exits 0; each
 * within {@code timeoutSeconds}. Network probes go to the pod's IP. Asynchronous throughout
 * (the runtime's exec, {@code HttpClient.sendAsync}, an asynchronous connect), so a slow probe
 * holds no thread and never delays another: the outcome is a future that always completes,
 * with a failure when the probe took longer than its timeout.
 */
public final class ProbeRunner {

  /** A probe's outcome and what to say about a failure. */
  public record Outcome(boolean success, String message) {}

  private final ContainerRuntime runtime;
  private final HttpClient http = HttpClient.newBuilder()
      .followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  public ProbeRunner(ContainerRuntime runtime) {
    this.runtime = runtime;
  }

  public CompletableFuture<Outcome> run(Probe probe, Container container, String containerId,
      String podIp) {
    Duration timeout = Duration.ofSeconds(probe.getTimeoutSeconds() == null ? 1
        : Math.max(1, probe.getTimeoutSeconds()));
    try {
      if (probe.getExec() != null) {
        return exec(probe.getExec().getCommand(), containerId, timeout);
      }
      if (podIp == null || podIp.isEmpty()) {
        return done(false, "the pod has no IP yet");
      }
      if (probe.getTcpSocket() != null) {
        int port = port(probe.getTcpSocket().getPort(), container);
        String host = probe.getTcpSocket().getHost() == null ? podIp
            : probe.getTcpSocket().getHost();
        return connect(host, port, timeout);
      }
      if (probe.getHttpGet() != null) {
        return httpGet(probe, container, podIp, timeout);
      }
    } catch (RuntimeException e) {
      return done(false, e.getMessage());
    }
    return done(false, "the probe has no handler (exec, httpGet, tcpSocket)");
  }

  private CompletableFuture<Outcome> exec(List<String> command, String containerId,
      Duration timeout) {
    return runtime.exec(containerId, command, timeout)
        .thenApply(result -> result.exitCode() == 0 ? new Outcome(true, "")
            : new Outcome(false, result.output().isBlank()
                ? "command " + command + " exited with " + result.exitCode()
                : result.output().trim()))
        .exceptionally(failure -> new Outcome(false, cause(failure) instanceof TimeoutException
            ? "command timed out" : cause(failure).getMessage()));
  }

  private static CompletableFuture<Outcome> connect(String host, int port, Duration timeout) {
    CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    AsynchronousSocketChannel channel;
    try {
      channel = AsynchronousSocketChannel.open();
    } catch (IOException e) {
      return done(false, "dial tcp " + host + ":" + port + ": " + e.getMessage());
    }
    channel.connect(new InetSocketAddress(host, port), null,
        new CompletionHandler<Void, Void>() {
          @Override
          public void completed(Void result, Void attachment) {
            outcome.complete(new Outcome(true, ""));
          }

          @Override
          public void failed(Throwable e, Void attachment) {
            outcome.complete(new Outcome(false, "dial tcp " + host + ":" + port + ": "
                + e.getMessage()));
          }
        });
    return outcome
        .completeOnTimeout(new Outcome(false, "dial tcp " + host + ":" + port
            + ": i/o timeout"), timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((done, failure) -> {
          try {
            channel.close();
          } catch (IOException e) {
            // the probe's answer is already known
          }
        });
  }

  private CompletableFuture<Outcome> httpGet(Probe probe, Container container, String podIp,
      Duration timeout) {
    var get = probe.getHttpGet();
    int port = port(get.getPort(), container);
    String host = get.getHost() == null || get.getHost().isEmpty() ? podIp : get.getHost();
    String scheme = get.getScheme() == null ? "http" : get.getScheme().toLowerCase();
    String path = get.getPath() == null || get.getPath().isEmpty() ? "/" : get.getPath();
    URI uri = URI.create(scheme + "://" + host + ":" + port + (path.startsWith("/") ? "" : "/")
        + path);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).GET()
        .header("User-Agent", "kube-probe/1.32");
    if (get.getHttpHeaders() != null) {
      for (HTTPHeader header : get.getHttpHeaders()) {
        request.header(header.getName(), header.getValue());
      }
    }
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
        .thenApply(response -> {
          int status = response.statusCode();
          return status >= 200 && status < 400 ? new Outcome(true, "")
              : new Outcome(false, "HTTP probe failed with statuscode: " + status);
        })
        // the request's own timeout covers the answer; this one covers connecting too
        .completeOnTimeout(new Outcome(false, "Get \"" + uri + "\": context deadline exceeded"),
            timeout.toMillis() + 500, TimeUnit.MILLISECONDS)
        .exceptionally(failure -> new Outcome(false, "Get \"" + uri + "\": "
            + cause(failure).getMessage()));
  }

  private static CompletableFuture<Outcome> done(boolean success, String message) {
    return CompletableFuture.completedFuture(new Outcome(success, message));
  }

  private static Throwable cause(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
  }

  /** A port number, or a container port's name. */
  static int port(IntOrString port, Container container) {
    if (port == null) {
      return 80;
    }
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    String name = port.getStrVal();
    if (name.matches("\\d+")) {
      return Integer.parseInt(name);
    }
    if (container.getPorts() != null) {
      for (ContainerPort candidate : container.getPorts()) {
        if (name.equals(candidate.getName())) {
          return candidate.getContainerPort();
        }
      }
    }
    throw new IllegalArgumentException("no port named " + name + " in container "
        + container.getName());
  }
}
