package dev.capstan.api.nodes;

import jakarta.websocket.EndpointConfig;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;

/** {@code pods/exec}: {@code kubectl exec} over WebSocket, relayed to the pod's node agent (see {@link PodStream}). */
@ServerEndpoint(value = "/api/v1/namespaces/{namespace}/pods/{name}/exec",
    subprotocols = {"v5.channel.k8s.io", "v4.channel.k8s.io"},
    configurator = PodStream.Handshake.class)
public class PodExecEndpoint {

  private final PodStream stream = new PodStream("exec");

  @OnOpen
  public void open(Session session, EndpointConfig config,
      @PathParam("namespace") String namespace, @PathParam("name") String name) {
    stream.open(session, config, namespace, name);
  }

  @OnMessage
  public void message(Session session, ByteBuffer data) {
    stream.message(session, data);
  }

  @OnClose
  public void closed(Session session) {
    stream.closed();
  }

  @OnError
  public void error(Session session, Throwable error) {
    stream.error(error);
  }
}
