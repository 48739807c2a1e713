package dev.capstan.api.nodes;

import dev.capstan.access.User;
import dev.capstan.api.status.ApiException;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.entity.StoredObject;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One port-forward session tunnelled between the client's WebSocket and the pod's node agent ({@code POST /portForward/<namespace>/<pod>}, both bodies streaming): bytes pass
 * through unchanged both ways, as kube-apiserver tunnels SPDY to the kubelet; the agent ends the
 * SPDY session and opens the pod's ports. In the channel protocol each message (channel byte and
 * data) travels as one frame of the agent's exec framing instead. Every forwarded connection of
 * the session shares this one tunnel, so a session costs one relay thread here however many
 * connections it carries.
 */
final class PortForwardTunnel {

  private static final Logger LOG = Logger.getLogger(PortForwardTunnel.class.getName());

  private volatile DuplexExchange agent;
  /** The channel protocol: WebSocket messages are relayed as frames, not as a byte stream. */
  private boolean channels;

  void open(Session session, EndpointConfig config, String namespace, String name) {
    // Each handshake has its own copy of the user properties (Undertow's per-connection
    // endpoint config, as Jakarta WebSocket requires), so no other session sees this user.
    Object user = config.getUserProperties().remove(PodStream.USER);
    if (!(user instanceof User)) {
      close(session, CloseReason.CloseCodes.VIOLATED_POLICY, "Unauthorized");
      return;
    }
    session.setMaxBinaryMessageBufferSize(1 << 20);
    String protocol = session.getNegotiatedSubprotocol();
    channels = protocol == null || !protocol.startsWith("SPDY/");
    try {
      String ports = "";
      if (channels) {
        List<String> requested = new ArrayList<>(session.getRequestParameterMap()
            .getOrDefault("ports", List.of()));
        requested.addAll(session.getRequestParameterMap().getOrDefault("port", List.of()));
        if (requested.isEmpty() || requested.stream().anyMatch(String::isBlank)) {
          refuse(session, "query parameter \"port\" is required");
          return;
        }
        ports = String.join(",", requested);
      }
      DuplexExchange exchange = connect(namespace, name, ports);
      if (exchange.status() != 200) {
        String message = new String(exchange.body().readNBytes(4096), StandardCharsets.UTF_8)
            .trim();
        exchange.close();
        refuse(session, message.isEmpty() ? "the node agent answered " + exchange.status()
            : message);
        return;
      }
      agent = exchange;
      Thread relay = new Thread(() -> relayFromAgent(session, exchange),
          "capstan-port-forward-relay");
      relay.setDaemon(true);
      relay.start();
    } catch (ApiException e) {
      refuse(session, e.status().getString("message", e.getMessage()));
    } catch (IllegalArgumentException | IOException e) {
      refuse(session, e.getMessage());
    }
  }

  /**
   * Opens the tunnel to the agent of the pod's node; its status says whether the agent serves
   * it.
   *
   * @throws IllegalArgumentException when the pod or its node is not there
   */
  static DuplexExchange connect(String namespace, String name, String ports)
      throws IOException {
    ObjectStore store = CDI.current().select(ObjectStore.class).get();
    JsonObject pod = store.get(ResourceTypes.POD.key(namespace, name))
        .map(StoredObject::json)
        .orElseThrow(() -> new IllegalArgumentException("pods \"" + name + "\" not found"));
    String nodeName = NodeEndpoints.nodeName(pod);
    JsonObject node = store.get(ResourceTypes.NODE.key("", nodeName)).map(StoredObject::json)
        .orElseThrow(() -> new IllegalArgumentException("node " + nodeName
            + " is not registered"));
    return DuplexExchange.post(NodeEndpoints.agent(node, nodeName),
        "/portForward/" + NodeEndpoints.encode(namespace) + "/" + NodeEndpoints.encode(name)
            + (ports.isEmpty() ? "" : "?ports=" + NodeEndpoints.encode(ports)));
  }

  void message(ByteBuffer data) {
    DuplexExchange current = agent;
    if (current == null || !data.hasRemaining()) {
      return;
    }
    byte[] bytes;
    if (channels) {
      // channel byte, then the frame's length before its data, as the agent reads frames
      int channel = data.get() & 0xff;
      bytes = ByteBuffer.allocate(5 + data.remaining()).put((byte) channel)
          .putInt(data.remaining()).put(data).array();
    } else {
      bytes = new byte[data.remaining()];
      data.get(bytes);
    }
    try {
      current.send(bytes);
    } catch (IOException e) {
      LOG.log(Level.FINE, "the node agent went away", e);
    }
  }

  void closed() {
    closeAgent();
  }

  void error(Throwable error) {
    LOG.log(Level.FINE, "port-forward session failed", error);
    closeAgent();
  }

  private void relayFromAgent(Session session, DuplexExchange exchange) {
    byte[] buffer = new byte[64 * 1024];
    try (InputStream body = exchange.body()) {
      if (channels) {
        relayFrames(session, new DataInputStream(body));
        return;
      }
      int read;
      while ((read = body.read(buffer)) >= 0) {
        if (read > 0) {
          session.getBasicRemote().sendBinary(ByteBuffer.wrap(buffer, 0, read));
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.FINE, "port-forward relay ended", e);
    } finally {
      closeAgent();
      close(session, CloseReason.CloseCodes.NORMAL_CLOSURE, "");
    }
  }

  /** The agent's frames (channel, length, data) as one message each: channel byte and data. */
  private static void relayFrames(Session session, DataInputStream frames) throws IOException {
    while (true) {
      int channel = frames.read();
      if (channel < 0) {
        return;
      }
      int length = frames.readInt();
      ByteBuffer message = ByteBuffer.allocate(1 + length).put((byte) channel);
      frames.readFully(message.array(), 1, length);
      message.position(0);
      session.getBasicRemote().sendBinary(message);
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

  /**
   * Ends a session that cannot be served; the reason (at most 123 bytes in a close frame) is
   * what kubectl reports.
   */
  private static void refuse(Session session, String message) {
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    String reason = bytes.length <= 123 ? message
        : new String(bytes, 0, 120, StandardCharsets.UTF_8) + "...";
    close(session, CloseReason.CloseCodes.UNEXPECTED_CONDITION, reason);
  }

  private static void close(Session session, CloseReason.CloseCode code, String reason) {
    try {
      session.close(new CloseReason(code, reason));
    } catch (IOException | IllegalArgumentException e) {
      // already closed
    }
  }
}
