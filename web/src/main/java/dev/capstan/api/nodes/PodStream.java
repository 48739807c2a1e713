package dev.capstan.api.nodes;

import dev.capstan.access.User;
import dev.capstan.api.access.AccessControl;
import dev.capstan.api.access.AccessFilter;
import dev.capstan.api.access.Impersonation;
import dev.capstan.api.access.RequestInfo;
import dev.capstan.api.access.WebSocketBearer;
import dev.capstan.api.status.ApiException;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.entity.StoredObject;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One {@code pods/exec} or {@code pods/attach} session over WebSocket, as kubectl 1.30+ speaks it (subprotocols
 * {@code v5.channel.k8s.io} and {@code v4.channel.k8s.io}): each binary message is a channel
 * byte and its data (0 stdin, 1 stdout, 2 stderr, 3 the final status, 4 terminal size, 255 the
 * end of stdin). The session is relayed to the node agent that runs the pod, whose frames use
 * the same channels, and ends with the command's status on channel 3.
 *
 * <p>The handshake authenticates the bearer token like every other API request (from the
 * {@code Authorization} header, or from the subprotocol a browser sends it in, see
 * {@link WebSocketBearer}); a request without a valid one is closed at once with the reason
 * {@code Unauthorized}.
 */
final class PodStream {

  private static final Logger LOG = Logger.getLogger(PodStream.class.getName());
  static final String USER = "capstan.user";

  /**
   * Authenticates and authorizes the handshake through the API's {@link AccessControl}, as the
   * access filter does for every other request (the WebSocket container may upgrade before the
   * servlet filters run, so the handshake checks for itself); the user travels in the user
   * properties. An unauthorized handshake leaves no user there and the session is closed.
   */
  static final class Handshake extends ServerEndpointConfig.Configurator {

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request,
        HandshakeResponse response) {
      config.getUserProperties().remove(USER);
      AccessControl access = CDI.current().select(AccessControl.class).get();
      access.authenticate(WebSocketBearer.headersOf(request.getHeaders()))
          .flatMap(requester -> Impersonation.actingAs(requester, request.getHeaders(),
              request.getRequestURI().getPath(), access)).ifPresent(user -> {
        RequestInfo info = RequestInfo.parse("GET", request.getRequestURI().getPath(),
            AccessFilter.query(request.getQueryString()), true);
        if (access.check(user, info).decision().allowed()) {
          config.getUserProperties().put(USER, user);
        }
      });
    }
  }

  private final String verb;
  private DuplexExchange agent;

  /** @param verb {@code exec} or {@code attach} */
  PodStream(String verb) {
    this.verb = verb;
  }

  void open(Session session, EndpointConfig config, String namespace, String name) {
    // Each handshake has its own copy of the user properties (Undertow's per-connection
    // endpoint config, as Jakarta WebSocket requires), so no other session sees this user.
    Object user = config.getUserProperties().remove(USER);
    if (!(user instanceof User)) {
      close(session, CloseReason.CloseCodes.VIOLATED_POLICY, "Unauthorized");
      return;
    }
    try {
      ObjectStore store = CDI.current().select(ObjectStore.class).get();
      JsonObject pod = store.get(ResourceTypes.POD.key(namespace, name))
          .map(StoredObject::json)
          .orElseThrow(() -> new IllegalArgumentException("pods \"" + name + "\" not found"));
      Map<String, List<String>> query = session.getRequestParameterMap();
      String container = NodeEndpoints.container(pod, first(query, "container"));
      String nodeName = NodeEndpoints.nodeName(pod);
      JsonObject node = store.get(ResourceTypes.NODE.key("", nodeName)).map(StoredObject::json)
          .orElseThrow(() -> new IllegalArgumentException("node " + nodeName
              + " is not registered"));
      StringBuilder path = new StringBuilder("/" + verb + "/").append(NodeEndpoints.encode(namespace)).append('/')
          .append(NodeEndpoints.encode(name)).append('/').append(NodeEndpoints.encode(container)).append('?');
      for (String command : query.getOrDefault("command", List.of())) {
        path.append("command=").append(NodeEndpoints.encode(command)).append('&');
      }
      path.append("stdin=").append(first(query, "stdin").orElse("false"))
          .append("&tty=").append(first(query, "tty").orElse("false"));
      agent = DuplexExchange.post(NodeEndpoints.agent(node, nodeName), path.toString());
      if (agent.status() != 200) {
        String message = new String(agent.body().readNBytes(4096), StandardCharsets.UTF_8).trim();
        fail(session, message.isEmpty() ? "the node agent answered " + agent.status() : message);
        return;
      }
      Thread relay = new Thread(() -> relayFromAgent(session), "capstan-exec-relay");
      relay.setDaemon(true);
      relay.start();
    } catch (ApiException e) {
      fail(session, e.status().getString("message", e.getMessage()));
    } catch (IllegalArgumentException | IOException e) {
      fail(session, e.getMessage());
    }
  }

  void message(Session session, ByteBuffer data) {
    if (agent == null || !data.hasRemaining()) {
      return;
    }
    byte[] bytes = new byte[data.remaining()];
    data.get(bytes);
    int channel = bytes[0] & 0xff;
    byte[] payload = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
    try {
      agent.send(frame(channel, payload));
    } catch (IOException e) {
      LOG.log(Level.FINE, "the node agent went away", e);
    }
  }

  void closed() {
    closeAgent();
  }

  void error(Throwable error) {
    LOG.log(Level.FINE, verb + " session failed", error);
    closeAgent();
  }

  private void relayFromAgent(Session session) {
    try (InputStream body = agent.body()) {
      while (true) {
        int channel = body.read();
        if (channel < 0) {
          break;
        }
        int length = (body.read() << 24) | (body.read() << 16) | (body.read() << 8) | body.read();
        byte[] payload = body.readNBytes(length);
        ByteBuffer message = ByteBuffer.allocate(payload.length + 1);
        message.put((byte) channel).put(payload).flip();
        synchronized (session) {
          session.getBasicRemote().sendBinary(message);
        }
        if (channel == 3) {
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.FINE, "exec relay ended", e);
    } finally {
      closeAgent();
      close(session, CloseReason.CloseCodes.NORMAL_CLOSURE, "");
    }
  }

  private void closeAgent() {
    DuplexExchange current = agent;
    if (current != null) {
      try {
        current.finish();
      } catch (IOException e) {
        // already gone
      }
      try {
        current.close();
      } catch (IOException e) {
        // already closed
      }
    }
  }

  /** Sends kubectl a Failure status on channel 3 and ends the session. */
  private static void fail(Session session, String message) {
    String status = "{\"metadata\":{},\"status\":\"Failure\",\"message\":\""
        + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"reason\":\"BadRequest\","
        + "\"code\":400}";
    byte[] json = status.getBytes(StandardCharsets.UTF_8);
    ByteBuffer frame = ByteBuffer.allocate(json.length + 1);
    frame.put((byte) 3).put(json).flip();
    try {
      session.getBasicRemote().sendBinary(frame);
    } catch (IOException e) {
      // the client went away
    }
    close(session, CloseReason.CloseCodes.NORMAL_CLOSURE, "");
  }

  private static void close(Session session, CloseReason.CloseCode code, String reason) {
    try {
      session.close(new CloseReason(code, reason));
    } catch (IOException e) {
      // already closed
    }
  }

  private static byte[] frame(int channel, byte[] payload) {
    ByteBuffer frame = ByteBuffer.allocate(5 + payload.length);
    frame.put((byte) channel).putInt(payload.length).put(payload);
    return frame.array();
  }

  private static Optional<String> first(Map<String, List<String>> query, String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }
}
