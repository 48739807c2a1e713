package dev.capstan.agent.probes;

import dev.capstan.agent.runtime.DockerRuntime;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * Runs one probe once, as the kubelet does: {@code httpGet} succeeds on a status from 200 to
 * 399, {@code tcpSocket} when a connection opens, {@code exec} when the command exits 0; each
 * within {@code timeoutSeconds}. Network probes go to the pod's IP.
 */
public final class ProbeRunner {

  /** A probe's outcome and what to say about a failure. */
  public record Outcome(boolean success, String message) {}

  private final DockerRuntime docker;
  private final HttpClient http = HttpClient.newBuilder()
      .followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  public ProbeRunner(DockerRuntime docker) {
    this.docker = docker;
  }

  public Outcome run(Probe probe, Container container, String containerId, String podIp)
      throws InterruptedException {
    Duration timeout = Duration.ofSeconds(probe.getTimeoutSeconds() == null ? 1
        : Math.max(1, probe.getTimeoutSeconds()));
    if (probe.getExec() != null) {
      List<String> command = probe.getExec().getCommand();
      try {
        DockerRuntime.ExecResult result = docker.exec(containerId, command, timeout);
        return result.exitCode() == 0 ? new Outcome(true, "")
            : new Outcome(false, result.output().isBlank()
                ? "command " + command + " exited with " + result.exitCode()
                : result.output().trim());
      } catch (IllegalStateException e) {
        return new Outcome(false, "command timed out");
      } catch (RuntimeException e) {
        return new Outcome(false, e.getMessage());
      }
    }
    if (podIp == null || podIp.isEmpty()) {
      return new Outcome(false, "the pod has no IP yet");
    }
    if (probe.getTcpSocket() != null) {
      int port = port(probe.getTcpSocket().getPort(), container);
      String host = probe.getTcpSocket().getHost() == null ? podIp : probe.getTcpSocket().getHost();
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
        return new Outcome(true, "");
      } catch (IOException e) {
        return new Outcome(false, "dial tcp " + host + ":" + port + ": " + e.getMessage());
      }
    }
    if (probe.getHttpGet() != null) {
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
      try {
        HttpResponse<Void> response = http.send(request.build(),
            HttpResponse.BodyHandlers.discarding());
        int status = response.statusCode();
        return status >= 200 && status < 400 ? new Outcome(true, "")
            : new Outcome(false, "HTTP probe failed with statuscode: " + status);
      } catch (IOException e) {
        return new Outcome(false, "Get \"" + uri + "\": " + e.getMessage());
      }
    }
    return new Outcome(false, "the probe has no handler (exec, httpGet, tcpSocket)");
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
