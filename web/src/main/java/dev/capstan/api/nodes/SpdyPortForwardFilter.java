package dev.capstan.api.nodes;

import dev.capstan.api.status.ApiException;
import dev.capstan.api.status.Statuses;
import jakarta.json.JsonObject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code pods/portforward} by an HTTP upgrade to SPDY/3.1, as kubectl up to 1.30 and client-go
 * programs with the SPDY dialer (k9s, Helm, ...) ask for it: {@code POST} with
 * {@code Upgrade: SPDY/3.1} and {@code X-Stream-Protocol-Version: portforward.k8s.io}, answered
 * {@code 101 Switching Protocols}; the connection then carries the same SPDY session the
 * WebSocket tunnel does ({@link PodPortForwardEndpoint}), and is tunnelled the same way to the
 * pod's node agent.
 */
// async: watches under this path are suspended requests, which every filter on their way must allow
public class SpdyPortForwardFilter extends HttpFilter {

  private static final Logger LOG = Logger.getLogger(SpdyPortForwardFilter.class.getName());
  private static final Pattern PATH =
      Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/]+)/portforward/?");
  private static final String PROTOCOL = "portforward.k8s.io";

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws IOException, ServletException {
    Matcher path = PATH.matcher(request.getRequestURI());
    String upgrade = request.getHeader("Upgrade");
    if (!path.matches() || upgrade == null || !upgrade.toUpperCase().startsWith("SPDY/3.1")) {
      chain.doFilter(request, response);
      return;
    }
    boolean offered = Collections.list(request.getHeaders("X-Stream-Protocol-Version")).stream()
        .flatMap(value -> Arrays.stream(value.split(",")))
        .anyMatch(value -> value.trim().equals(PROTOCOL));
    if (!offered) {
      status(response, 403, Statuses.forHttpCode(403, "unable to upgrade: unable to negotiate"
          + " protocol: client supports " + Collections.list(request.getHeaders(
              "X-Stream-Protocol-Version")) + ", server supports [" + PROTOCOL + "]"));
      return;
    }
    DuplexExchange agent;
    try {
      agent = PortForwardTunnel.connect(path.group(1), path.group(2), "");
    } catch (ApiException e) {
      status(response, e.status().getInt("code", 400), e.status());
      return;
    } catch (IllegalArgumentException e) {
      status(response, e.getMessage().endsWith("not found") ? 404 : 400,
          Statuses.forHttpCode(e.getMessage().endsWith("not found") ? 404 : 400,
              e.getMessage()));
      return;
    }
    if (agent.status() != 200) {
      String message = new String(agent.body().readNBytes(4096), StandardCharsets.UTF_8).trim();
      agent.close();
      status(response, 400, Statuses.forHttpCode(400, message));
      return;
    }
    response.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
    response.setHeader("Connection", "Upgrade");
    response.setHeader("Upgrade", "SPDY/3.1");
    response.setHeader("X-Stream-Protocol-Version", PROTOCOL);
    request.upgrade(Tunnel.class).agent = agent;
  }

  private static void status(HttpServletResponse response, int code, JsonObject status)
      throws IOException {
    response.setStatus(code);
    response.setContentType("application/json");
    response.getOutputStream().write(status.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The upgraded connection, pumped both ways to and from the agent. */
  public static final class Tunnel implements HttpUpgradeHandler {

    private volatile DuplexExchange agent;

    @Override
    public void init(WebConnection connection) {
      DuplexExchange exchange = agent;
      Thread toAgent = new Thread(() -> {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = connection.getInputStream()) {
          int read;
          while ((read = in.read(buffer)) >= 0) {
            exchange.send(Arrays.copyOf(buffer, read));
          }
          exchange.finish();
        } catch (IOException e) {
          LOG.log(Level.FINE, "kubectl's side of a port-forward ended", e);
        } finally {
          close(exchange);
        }
      }, "capstan-spdy-port-forward-in");
      Thread fromAgent = new Thread(() -> {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream body = exchange.body(); OutputStream out = connection.getOutputStream()) {
          int read;
          while ((read = body.read(buffer)) >= 0) {
            out.write(buffer, 0, read);
            out.flush();
          }
        } catch (IOException e) {
          LOG.log(Level.FINE, "the agent's side of a port-forward ended", e);
        } finally {
          close(exchange);
          try {
            connection.close();
          } catch (Exception e) {
            // already closed
          }
        }
      }, "capstan-spdy-port-forward-out");
      toAgent.setDaemon(true);
      fromAgent.setDaemon(true);
      toAgent.start();
      fromAgent.start();
    }

    @Override
    public void destroy() {
      close(agent);
    }

    private static void close(DuplexExchange exchange) {
      if (exchange != null) {
        try {
          exchange.close();
        } catch (IOException e) {
          // already closed
        }
      }
    }
  }
}
