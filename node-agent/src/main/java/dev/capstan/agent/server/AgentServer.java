package dev.capstan.agent.server;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.LogContainerCmd;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.capstan.contract.tls.PemTls;
import dev.capstan.agent.AgentConfig;
import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.capstan.agent.portforward.ChannelPortForward;
import dev.capstan.agent.portforward.NetworkNamespaces;
import dev.capstan.agent.portforward.PortForwardSession;
import dev.capstan.agent.runtime.docker.DockerRuntime;
import dev.capstan.agent.stats.CadvisorMetrics;
import dev.capstan.agent.stats.ResourceMetrics;
import dev.capstan.agent.stats.ResourceStats;
import dev.capstan.agent.stats.SummaryJson;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The agent's own HTTP endpoint, as the kubelet's port 10250: {@code /healthz}, and
 * {@code /containerLogs/<namespace>/<pod>/<container>} with kubelet's query parameters
 * ({@code tailLines}, {@code sinceSeconds}, {@code timestamps}, {@code previous},
 * {@code follow}), which the API server proxies for {@code kubectl logs}, and
 * {@code /exec/<namespace>/<pod>/<container>} for {@code kubectl exec} (see {@link ExecHandler}),
 * and {@code /portForward/<namespace>/<pod>} for {@code kubectl port-forward}, and the
 * resource figures the agent samples ({@link dev.capstan.agent.stats.StatsCollector}): the
 * Summary API {@code /stats/summary} and {@code /metrics/resource}, as metrics-server and
 * Prometheus scrape a kubelet.
 * It listens on the node's address only, over TLS with the node's serving certificate
 * ({@link ServingTls}); every request but {@code /healthz} needs the API server's client
 * certificate ({@link ClientIdentity}): 401 without one, 403 with another identity's.
 */
public final class AgentServer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(AgentServer.class.getName());

  private final AgentConfig config;
  private final DockerRuntime docker;
  private final HttpServer server;
  private final NetworkNamespaces namespaces = new NetworkNamespaces();
  /** Every pod socket of every port-forward: non-blocking, so one thread serves them all. */
  private final EventLoopGroup portForwardLoop = new NioEventLoopGroup(1, runnable -> {
    Thread thread = new Thread(runnable, "capstan-port-forward");
    thread.setDaemon(true);
    return thread;
  });

  public AgentServer(AgentConfig config, ServingTls tls, DockerRuntime docker)
      throws IOException {
    this(config, tls, docker, Optional::empty);
  }

  /**
   * @param stats the last resource sampling; empty when the agent does not sample (then
   *     {@code /stats/summary} and {@code /metrics/resource} answer 404)
   */
  public AgentServer(AgentConfig config, ServingTls tls, DockerRuntime docker,
      Supplier<Optional<ResourceStats>> stats) throws IOException {
    this.config = config;
    this.docker = docker;
    SSLContext context = PemTls.context(Optional.of(tls.certificateFile()),
        Optional.of(tls.keyFile()), tls.clientCaFile());
    HttpsServer https = HttpsServer.create(new InetSocketAddress(tls.address(),
        config.kubeletPort()), 32);
    https.setHttpsConfigurator(new HttpsConfigurator(context) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters parameters = context.getDefaultSSLParameters();
        // asked, not required: a request without one gets a 401 answer, not a broken handshake
        parameters.setWantClientAuth(true);
        parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        params.setSSLParameters(parameters);
      }
    });
    this.server = https;
    server.setExecutor(Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "capstan-agent-http");
      thread.setDaemon(true);
      return thread;
    }));
    server.createContext("/healthz", exchange -> respond(exchange, 200, "ok"));
    server.createContext("/containerLogs/", this::containerLogs);
    server.createContext("/portForward/", this::portForward);
    server.createContext("/stats/summary", exchange -> resources(exchange, "stats", stats,
        "application/json", SummaryJson::of));
    server.createContext("/metrics/resource", exchange -> resources(exchange, "metrics", stats,
        ResourceMetrics.CONTENT_TYPE, ResourceMetrics::of));
    server.createContext("/metrics/cadvisor", exchange -> resources(exchange, "metrics", stats,
        CadvisorMetrics.CONTENT_TYPE, CadvisorMetrics::of));
    ExecHandler exec = new ExecHandler(config, docker);
    for (String verb : new String[] {"exec", "attach"}) {
      server.createContext("/" + verb + "/", exchange -> {
        try (exchange) {
          if (!admitted(exchange, "create")) {
            return;
          }
          String[] path = exchange.getRequestURI().getPath().substring(verb.length() + 2)
              .split("/");
          if (path.length != 3) {
            respond(exchange, 404, "expected /" + verb + "/<namespace>/<pod>/<container>");
            return;
          }
          var query = multiQuery(exchange.getRequestURI().getRawQuery());
          if (verb.equals("exec")) {
            exec.handle(exchange, path, query);
          } else {
            exec.attach(exchange, path, query);
          }
        }
      });
    }
  }

  /**
   * {@code POST /portForward/<namespace>/<pod>}: a {@link PortForwardSession} over the exchange,
   * the request body carrying kubectl's SPDY frames and the response the agent's, as the API
   * server tunnels them; with {@code ?ports=80,8081}, a {@link ChannelPortForward} instead.
   */
  private void portForward(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!admitted(exchange, "create")) {
        return;
      }
      String[] path = exchange.getRequestURI().getPath().substring("/portForward/".length())
          .split("/");
      if (path.length != 2) {
        respond(exchange, 404, "expected /portForward/<namespace>/<pod>");
        return;
      }
      Optional<InspectContainerResponse> sandbox = docker.containers(Map.of(
              "io.capstan.node", config.nodeName(), "io.capstan.pod.namespace", path[0],
              "io.capstan.pod.name", path[1], "io.capstan.role", "sandbox")).stream()
          .filter(c -> "running".equals(c.getState())).findFirst()
          .flatMap(c -> docker.inspectContainer(c.getId()));
      Long pid = sandbox.map(c -> c.getState().getPidLong()).orElse(null);
      if (pid == null || pid <= 0) {
        respond(exchange, 404, "pod " + path[0] + "/" + path[1] + " has no running sandbox on"
            + " node " + config.nodeName());
        return;
      }
      String uid = sandbox.get().getConfig().getLabels().getOrDefault("io.capstan.pod.uid", "");
      String pod = path[0] + "/" + path[1] + ", uid " + uid;
      List<String> portList = multiQuery(exchange.getRequestURI().getRawQuery())
          .getOrDefault("ports", List.of());
      List<Integer> ports = new java.util.ArrayList<>();
      try {
        for (String value : portList) {
          for (String port : value.split(",")) {
            int number = Integer.parseInt(port.trim());
            if (number < 1 || number > 65535) {
              throw new NumberFormatException("port \"" + port + "\" must be > 0");
            }
            ports.add(number);
          }
        }
      } catch (NumberFormatException e) {
        respond(exchange, 400, "invalid port: " + e.getMessage());
        return;
      }
      exchange.sendResponseHeaders(200, 0);
      if (ports.isEmpty()) {
        // kubectl's SPDY session, tunnelled
        new PortForwardSession(pod, () -> namespaces.openSocket(pid), portForwardLoop)
            .run(exchange.getRequestBody(), exchange.getResponseBody());
      } else {
        // a client library's WebSocket channels, as ExecFrames
        new ChannelPortForward(pod, ports, () -> namespaces.openSocket(pid), portForwardLoop)
            .run(exchange.getRequestBody(), exchange.getResponseBody());
      }
    }
  }

  /**
   * {@code GET /stats/summary} or {@code /metrics/resource}: the last sampling, written out
   * (the sampling itself never happens on a request's thread).
   */
  private static void resources(HttpExchange exchange, String subresource,
      Supplier<Optional<ResourceStats>> stats, String contentType,
      Function<ResourceStats, String> format) throws IOException {
    try (exchange) {
      if (!admitted(exchange, "get", subresource)) {
        return;
      }
      if (!exchange.getRequestMethod().equals("GET")) {
        respond(exchange, 405, "method " + exchange.getRequestMethod() + " not allowed");
        return;
      }
      Optional<ResourceStats> last = stats.get();
      if (last.isEmpty()) {
        respond(exchange, 404, "this node does not sample resources (CAPSTAN_STATS=off)");
        return;
      }
      byte[] body = format.apply(last.get()).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", contentType);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  public void start() {
    server.start();
    LOG.info(() -> "Serving logs, exec, attach, port-forward and stats over TLS on "
        + server.getAddress());
  }

  private void containerLogs(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!admitted(exchange, "get")) {
        return;
      }
      String[] path = exchange.getRequestURI().getPath().substring("/containerLogs/".length())
          .split("/");
      if (path.length != 3) {
        respond(exchange, 404, "expected /containerLogs/<namespace>/<pod>/<container>");
        return;
      }
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      List<Container> attempts = docker.containers(Map.of(
          "io.capstan.node", config.nodeName(), "io.capstan.pod.namespace", path[0],
          "io.capstan.pod.name", path[1], "io.capstan.container.name", path[2])).stream()
          .sorted(Comparator.comparingInt(AgentServer::attempt).reversed())
          .toList();
      boolean previous = Boolean.parseBoolean(query.getOrDefault("previous", "false"));
      int index = previous ? 1 : 0;
      if (attempts.size() <= index) {
        respond(exchange, 404, previous
            ? "previous terminated container \"" + path[2] + "\" in pod \"" + path[1]
                + "\" not found"
            : "container \"" + path[2] + "\" in pod \"" + path[1] + "\" is not available");
        return;
      }
      stream(exchange, attempts.get(index).getId(), query);
    }
  }

  private void stream(HttpExchange exchange, String containerId, Map<String, String> query)
      throws IOException {
    LogContainerCmd logs = docker.client().logContainerCmd(containerId)
        .withStdOut(true).withStdErr(true)
        .withTimestamps(Boolean.parseBoolean(query.getOrDefault("timestamps", "false")))
        .withFollowStream(Boolean.parseBoolean(query.getOrDefault("follow", "false")));
    if (query.containsKey("tailLines")) {
      logs.withTail(Integer.parseInt(query.get("tailLines")));
    }
    if (query.containsKey("sinceSeconds")) {
      logs.withSince((int) (System.currentTimeMillis() / 1000
          - Long.parseLong(query.get("sinceSeconds"))));
    }
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(200, 0);
    OutputStream body = exchange.getResponseBody();
    ResultCallback.Adapter<Frame> callback = logs.exec(new ResultCallback.Adapter<>() {
      @Override
      public void onNext(Frame frame) {
        try {
          body.write(frame.getPayload());
          body.flush();
        } catch (IOException e) {
          try {
            close();
          } catch (IOException closing) {
            // the client went away
          }
        }
      }
    });
    try {
      callback.awaitCompletion();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether the caller is the API server; answers 401 or 403 when it is not. */
  private static boolean admitted(HttpExchange exchange, String verb) throws IOException {
    return admitted(exchange, verb, "proxy");
  }

  /** As {@link #admitted(HttpExchange, String)}, for the node subresource the path stands for. */
  private static boolean admitted(HttpExchange exchange, String verb, String subresource)
      throws IOException {
    ClientIdentity.Decision decision = ClientIdentity.of(exchange, verb, subresource);
    if (!decision.allowed()) {
      respond(exchange, decision.status(), decision.message());
    }
    return decision.allowed();
  }

  private static int attempt(Container container) {
    try {
      return Integer.parseInt(container.getLabels().getOrDefault("io.capstan.container.attempt",
          "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The query's parameters, each with its first value. */
  private static Map<String, String> query(String raw) {
    Map<String, String> first = new HashMap<>();
    multiQuery(raw).forEach((key, values) -> first.put(key, values.get(0)));
    return first;
  }


  private static Map<String, List<String>> multiQuery(String raw) {
    Map<String, List<String>> query = new HashMap<>();
    if (raw == null) {
      return query;
    }
    for (String pair : raw.split("&")) {
      int equals = pair.indexOf('=');
      String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals),
          StandardCharsets.UTF_8);
      String value = equals < 0 ? "true" : URLDecoder.decode(pair.substring(equals + 1),
          StandardCharsets.UTF_8);
      query.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(value);
    }
    return query;
  }

  static void respond(HttpExchange exchange, int status, String text) throws IOException {
    byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
    portForwardLoop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
    namespaces.close();
  }
}
