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

/**
 * {@code pods/portforward}: {@code kubectl port-forward} (1.31 and later) over WebSocket, as
 * kube-apiserver's tunneling handler serves it: the subprotocol
 * {@code SPDY/3.1+portforward.k8s.io} carries kubectl's SPDY session in binary messages, and it
 * is tunnelled unchanged to the pod's node agent, which speaks the kubelet's port-forward
 * protocol (see {@link PortForwardTunnel}). Client libraries' {@code v4.channel.k8s.io} (or no
 * subprotocol), with {@code ?ports=}, is served too: a data and an error channel per port.
 */
@ServerEndpoint(value = "/api/v1/namespaces/{namespace}/pods/{name}/portforward",
    subprotocols = {"SPDY/3.1+portforward.k8s.io", "v4.channel.k8s.io"},
    configurator = PodStream.Handshake.class)
public class PodPortForwardEndpoint {

  private final PortForwardTunnel tunnel = new PortForwardTunnel();

  @OnOpen
  public void open(Session session, EndpointConfig config,
      @PathParam("namespace") String namespace, @PathParam("name") String name) {
    tunnel.open(session, config, namespace, name);
  }

  @OnMessage
  public void message(Session session, ByteBuffer data) {
    tunnel.message(data);
  }

  @OnClose
  public void closed(Session session) {
    tunnel.closed();
  }

  @OnError
  public void error(Session session, Throwable error) {
    tunnel.error(error);
  }
}
