package dev.capstan.agent.server;

import com.github.dockerjava.api.model.Container;
import com.sun.net.httpserver.HttpExchange;
import dev.capstan.agent.AgentConfig;
import dev.capstan.agent.runtime.docker.DockerRuntime;
import dev.capstan.agent.runtime.HijackedExec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code POST /exec/<namespace>/<pod>/<container>?command=...&stdin=&tty=}: runs a command in
 * the container through Docker's exec, relaying {@link ExecFrames} both ways: stdin and resizes
 * from the request body, stdout and stderr in the response, which ends with a status frame
 * saying how the command exited (a Kubernetes {@code Status}, as kubectl expects it).
 */
final class ExecHandler {

  private static final Logger LOG = Logger.getLogger(ExecHandler.class.getName());

  private final AgentConfig config;
  private final DockerRuntime docker;

  ExecHandler(AgentConfig config, DockerRuntime docker) {
    this.config = config;
    this.docker = docker;
  }

  /**
   * The id of the running container {@code path} names ({@code namespace, pod, container});
   * empty, with a 404 sent, when there is none.
   */
  private Optional<String> runningContainer(HttpExchange exchange, String[] path)
      throws IOException {
    Optional<String> id = docker.containers(Map.of(
        "io.capstan.node", config.nodeName(), "io.capstan.pod.namespace", path[0],
        "io.capstan.pod.name", path[1], "io.capstan.container.name", path[2])).stream()
        .filter(c -> "running".equals(c.getState())).map(Container::getId).findFirst();
    if (id.isEmpty()) {
      AgentServer.respond(exchange, 404, "container " + path[2] + " is not running in pod "
          + path[1]);
    }
    return id;
  }

  /** {@code /attach/...}: the container's own stdin and output from now on, until it ends. */
  void attach(HttpExchange exchange, String[] path, Map<String, List<String>> query)
      throws IOException {
    Optional<String> container = runningContainer(exchange, path);
    if (container.isEmpty()) {
      return;
    }
    boolean stdin = flag(query, "stdin");
    boolean tty = flag(query, "tty");
    HijackedExec session = HijackedExec.attach(config.dockerHost(), container.get(),
        stdin, tty);
    // Kubernetes' stdinOnce: the end of this attach's input is the end of the container's;
    // otherwise the client only stops writing, and Docker must not see an EOF that would end
    // the attach before the output does.
    boolean stdinOnce = docker.inspectContainer(container.get())
        .map(c -> Boolean.TRUE.equals(c.getConfig().getStdInOnce())).orElse(false);
    relay(exchange, session, stdin && stdinOnce, stdin, null);
    ExecFrames.write(exchange.getResponseBody(), ExecFrames.STATUS,
        "{\"metadata\":{},\"status\":\"Success\"}".getBytes(StandardCharsets.UTF_8));
    exchange.close();
  }

  void handle(HttpExchange exchange, String[] path, Map<String, List<String>> query)
      throws IOException {
    Optional<String> container = runningContainer(exchange, path);
    if (container.isEmpty()) {
      return;
    }
    List<String> command = query.getOrDefault("command", List.of());
    if (command.isEmpty()) {
      AgentServer.respond(exchange, 400, "you must specify at least one command for the"
          + " container");
      return;
    }
    boolean stdin = flag(query, "stdin");
    boolean tty = flag(query, "tty");
    String execId = docker.client().execCreateCmd(container.get())
        .withCmd(command.toArray(String[]::new))
        .withAttachStdin(stdin).withAttachStdout(true).withAttachStderr(true).withTty(tty)
        .exec().getId();
    HijackedExec session = HijackedExec.start(config.dockerHost(), execId, tty);
    Thread reader = relay(exchange, session, stdin, stdin, execId);
    OutputStream out = exchange.getResponseBody();
    Long exitCode = docker.client().inspectExecCmd(execId).exec().getExitCodeLong();
    ExecFrames.write(out, ExecFrames.STATUS, status(command, exitCode == null ? -1 : exitCode)
        .getBytes(StandardCharsets.UTF_8));
    reader.interrupt();
    exchange.close();
  }

  /** Streams the session's output as frames until it ends, with stdin relayed meanwhile. */
  private Thread relay(HttpExchange exchange, HijackedExec session, boolean forwardEof,
      boolean stdin, String execId) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/x-capstan-exec");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    Thread reader = new Thread(() -> relayInput(exchange.getRequestBody(), session, forwardEof,
        stdin, execId), "capstan-exec-stdin");
    reader.setDaemon(true);
    reader.start();
    try (session) {
      for (Optional<HijackedExec.Output> output = session.read(); output.isPresent();
          output = session.read()) {
        ExecFrames.write(out, output.get().stream() == 2 ? ExecFrames.STDERR : ExecFrames.STDOUT,
            output.get().data());
      }
    }
    return reader;
  }

  private void relayInput(InputStream body, HijackedExec session, boolean forwardEof,
      boolean stdin, String execId) {
    try {
      while (true) {
        Optional<ExecFrames.Frame> frame = ExecFrames.read(body);
        if (frame.isEmpty()) {
          return;
        }
        if (frame.get().channel() == ExecFrames.CLOSE) {
          if (forwardEof) {
            session.closeStdin();
          }
          continue;
        }
        if (frame.get().channel() == ExecFrames.STDIN && stdin) {
          session.writeStdin(frame.get().payload());
        } else if (frame.get().channel() == ExecFrames.RESIZE && execId != null) {
          resize(execId, new String(frame.get().payload(), StandardCharsets.UTF_8));
        }
      }
    } catch (IOException e) {
      LOG.log(Level.FINE, "exec input ended", e);
    }
  }

  private void resize(String execId, String json) {
    java.util.regex.Matcher width = java.util.regex.Pattern.compile("\"Width\"\\s*:\\s*(\\d+)")
        .matcher(json);
    java.util.regex.Matcher height = java.util.regex.Pattern.compile("\"Height\"\\s*:\\s*(\\d+)")
        .matcher(json);
    if (width.find() && height.find()) {
      try {
        docker.client().resizeExecCmd(execId).withSize(Integer.parseInt(height.group(1)),
            Integer.parseInt(width.group(1))).exec();
      } catch (RuntimeException e) {
        LOG.log(Level.FINE, "resize failed", e);
      }
    }
  }

  /** kubectl's view of the outcome: Success, or NonZeroExitCode with the code as a cause. */
  static String status(List<String> command, long exitCode) {
    if (exitCode == 0) {
      return "{\"metadata\":{},\"status\":\"Success\"}";
    }
    String message = "command terminated with non-zero exit code: error executing command "
        + command + ", exit code " + exitCode;
    return "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"" + message.replace("\\", "\\\\")
        .replace("\"", "\\\"") + "\",\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":"
        + "[{\"reason\":\"ExitCode\",\"message\":\"" + exitCode + "\"}]}}";
  }

  private static boolean flag(Map<String, List<String>> query, String name) {
    List<String> values = query.get(name);
    return values != null && !values.isEmpty()
        && (values.get(0).equals("true") || values.get(0).equals("1"));
  }
}
