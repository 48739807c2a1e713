package dev.capstan.agent.portforward;

import dev.capstan.agent.server.ExecFrames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Port-forward in the WebSocket channel protocol (the kubelet's {@code v4.channel.k8s.io}, or no
 * subprotocol), which client libraries other than kubectl speak: one connection per requested
 * port, its bytes on channel {@code 2i} and its errors on channel {@code 2i+1}; the first frame
 * on each channel carries the port, two bytes little-endian. Frames travel to and from the API
 * server as {@link ExecFrames}, which it turns into WebSocket messages one for one. The session
 * ends when every port's connection has.
 */
public final class ChannelPortForward {

  private static final Logger LOG = Logger.getLogger(ChannelPortForward.class.getName());

  private final String pod;
  private final List<Integer> ports;
  private final PortForwardSession.PodSockets sockets;
  private final EventLoopGroup loop;
  private final Port[] connections;
  private TunnelWriter outbound;
  private boolean ended;

  public ChannelPortForward(String pod, List<Integer> ports,
      PortForwardSession.PodSockets sockets, EventLoopGroup loop) {
    this.pod = pod;
    this.ports = ports;
    this.sockets = sockets;
    this.loop = loop;
    this.connections = new Port[ports.size()];
  }

  /** Serves the session until {@code in} ends; the calling thread reads, a new one writes. */
  public void run(InputStream in, OutputStream out) {
    synchronized (this) {
      outbound = new TunnelWriter(out, this::pause, this::end);
      for (int i = 0; i < ports.size(); i++) {
        int port = ports.get(i);
        byte[] portBytes = {(byte) port, (byte) (port >> 8)};
        send(2 * i, portBytes);
        send(2 * i + 1, portBytes);
        connections[i] = new Port(i, port);
      }
    }
    for (Port connection : connections) {
      connection.connect();
    }
    try {
      for (Optional<ExecFrames.Frame> frame = ExecFrames.read(in); frame.isPresent();
          frame = ExecFrames.read(in)) {
        int channel = frame.get().channel();
        if (channel % 2 == 0 && channel / 2 < connections.length) {
          connections[channel / 2].fromClient(frame.get().payload());
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.FINE, "port-forward session to " + pod + " ended", e);
    } finally {
      end();
      outbound.awaitEnd();
    }
  }

  private synchronized void send(int channel, byte[] payload) {
    if (ended) {
      return;
    }
    outbound.add(ByteBuffer.allocate(5 + payload.length).put((byte) channel)
        .putInt(payload.length).put(payload).array());
  }

  private synchronized void pause(boolean on) {
    for (Port connection : connections) {
      if (connection != null && connection.socket != null) {
        connection.socket.config().setAutoRead(!on);
      }
    }
  }

  private synchronized void done() {
    for (Port connection : connections) {
      if (!connection.done) {
        return;
      }
    }
    end();
  }

  private synchronized void end() {
    if (ended) {
      return;
    }
    ended = true;
    for (Port connection : connections) {
      if (connection != null) {
        connection.close();
      }
    }
    outbound.end();
  }

  /** The connection to one requested port. */
  private final class Port {
    private final int index;
    private final int port;
    private final Queue<ByteBuf> pending = new ArrayDeque<>();
    private Channel socket;
    private boolean connected;
    private boolean done;

    Port(int index, int port) {
      this.index = index;
      this.port = port;
    }

    void connect() {
      SocketChannel raw;
      try {
        raw = sockets.open();
      } catch (IOException e) {
        failed(e);
        return;
      }
      NioSocketChannel channel = new NioSocketChannel(raw);
      synchronized (ChannelPortForward.this) {
        socket = channel;
      }
      channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          ByteBuf bytes = (ByteBuf) msg;
          byte[] data = new byte[bytes.readableBytes()];
          bytes.readBytes(data);
          bytes.release();
          send(2 * index, data);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
          finished();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
          LOG.log(Level.FINE, "port-forward socket in " + pod + " failed", cause);
          ctx.close();
        }
      });
      loop.register(channel).addListener(registered -> {
        if (!registered.isSuccess()) {
          failed(registered.cause());
          return;
        }
        channel.connect(new InetSocketAddress("127.0.0.1", port)).addListener(done -> {
          if (done.isSuccess()) {
            synchronized (ChannelPortForward.this) {
              connected = true;
              for (ByteBuf buf = pending.poll(); buf != null; buf = pending.poll()) {
                channel.write(buf);
              }
              channel.flush();
            }
          } else {
            failed(done.cause());
          }
        });
      });
    }

    void fromClient(byte[] data) {
      synchronized (ChannelPortForward.this) {
        if (done || socket == null) {
          return;
        }
        if (connected) {
          socket.writeAndFlush(Unpooled.wrappedBuffer(data));
        } else {
          pending.add(Unpooled.wrappedBuffer(data));
        }
      }
    }

    private void failed(Throwable cause) {
      send(2 * index + 1, ("error forwarding port " + port + " to pod " + pod
          + ": failed to connect to localhost:" + port + " inside the pod's network namespace: "
          + cause.getMessage()).getBytes(StandardCharsets.UTF_8));
      finished();
    }

    private void finished() {
      synchronized (ChannelPortForward.this) {
        done = true;
        close();
      }
      done();
    }

    void close() {
      for (ByteBuf buf = pending.poll(); buf != null; buf = pending.poll()) {
        buf.release();
      }
      if (socket != null) {
        socket.close();
      }
    }
  }
}
