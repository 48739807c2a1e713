package dev.capstan.agent.portforward;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyHeaders;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One {@code kubectl port-forward} session: the kubelet's port-forward protocol
 * ({@code portforward.k8s.io}) over SPDY/3.1, as the API server tunnels it here from kubectl's
 * WebSocket. For each local connection kubectl opens two streams that share a
 * {@code requestid}: an error stream (a message on it ends the forward with that error) and a
 * data stream, whose bytes go to and from {@code localhost:<port>} inside the pod's network
 * namespace.
 *
 * <pre>
 *  kubectl ── SYN_STREAM error(port, requestid) ──▶ SYN_REPLY
 *          ── SYN_STREAM data(port, requestid)  ──▶ SYN_REPLY, connect to the pod's port
 *          ◀── DATA data ──▶  pod socket (Netty event loop, shared by every session)
 *          pod closes ──▶ DATA FIN on data, DATA FIN on error
 *          kubectl RST data ──▶ pod socket closed, DATA FIN on error
 *          connect fails ──▶ DATA error message, FIN on error and data
 * </pre>
 *
 * <p>Threads: the caller's thread reads the tunnel and feeds the SPDY codec; pod sockets live on
 * the shared event loop and never block; a {@link TunnelWriter} drains encoded frames to the
 * tunnel and stops the session's pod sockets reading while too much waits. Go's spdystream (kubectl's side) has no flow control, so none is
 * announced or expected here.
 */
public final class PortForwardSession {

  private static final Logger LOG = Logger.getLogger(PortForwardSession.class.getName());

  /** Opens a TCP socket in the pod's network namespace. */
  @FunctionalInterface
  public interface PodSockets {
    SocketChannel open() throws IOException;
  }

  private final String pod;
  private final PodSockets sockets;
  private final EventLoopGroup loop;
  private final EmbeddedChannel codec =
      new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
  private final Map<Integer, Forward> byStream = new HashMap<>();
  private final Map<String, Forward> byRequest = new HashMap<>();
  private TunnelWriter outbound;
  private boolean paused;
  private boolean ended;

  /**
   * @param pod how errors name the pod ({@code namespace/name, uid U})
   * @param sockets opens sockets in the pod's network namespace
   * @param loop the event loop the pod sockets are served on
   */
  public PortForwardSession(String pod, PodSockets sockets, EventLoopGroup loop) {
    this.pod = pod;
    this.sockets = sockets;
    this.loop = loop;
  }

  /** Serves the session until {@code in} ends; the calling thread reads, a new one writes. */
  public void run(InputStream in, OutputStream out) {
    synchronized (this) {
      outbound = new TunnelWriter(out, this::pause, this::end);
    }
    byte[] buffer = new byte[32 * 1024];
    try {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        List<Channel> full = received(Unpooled.copiedBuffer(buffer, 0, read));
        for (Channel channel : full) {
          awaitWritable(channel);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.FINE, "port-forward session to " + pod + " ended", e);
    } finally {
      end();
      outbound.awaitEnd();
    }
  }

  private synchronized void pause(boolean on) {
    paused = on;
    byStream.values().forEach(f -> f.autoRead(!on));
  }

  /** Decodes what arrived and acts on it; returns pod sockets that should drain before more. */
  private synchronized List<Channel> received(ByteBuf bytes) {
    codec.writeInbound(bytes);
    List<Channel> full = new ArrayList<>();
    for (Object frame = codec.readInbound(); frame != null; frame = codec.readInbound()) {
      try {
        handle((SpdyFrame) frame, full);
      } finally {
        ReferenceCountUtil.release(frame);
      }
    }
    return full;
  }

  private void handle(SpdyFrame frame, List<Channel> full) {
    if (frame instanceof SpdySynStreamFrame syn) {
      opened(syn);
    } else if (frame instanceof SpdyDataFrame data) {
      Forward forward = byStream.get(data.streamId());
      if (forward != null && data.streamId() == forward.dataStream) {
        forward.fromClient(data.content(), data.isLast()).ifPresent(full::add);
      }
    } else if (frame instanceof SpdyRstStreamFrame reset) {
      Forward forward = byStream.get(reset.streamId());
      if (forward != null) {
        forward.reset(reset.streamId());
      }
    } else if (frame instanceof SpdyPingFrame ping) {
      send(new DefaultSpdyPingFrame(ping.id()));
    } else if (frame instanceof SpdyGoAwayFrame) {
      LOG.fine(() -> "kubectl went away from the port-forward to " + pod);
    }
    // SETTINGS and WINDOW_UPDATE: spdystream uses no flow control, nor does this side
  }

  private void opened(SpdySynStreamFrame syn) {
    SpdyHeaders headers = syn.headers();
    String type = headers.getAsString("streamtype");
    String portText = headers.getAsString("port");
    String requestId = headers.getAsString("requestid");
    int id = syn.streamId();
    if (requestId == null) {
      // clients before requestid forwarded one port per connection: error then data stream
      requestId = Integer.toString("data".equals(type) ? id - 2 : id);
    }
    DefaultSpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(id);
    // Netty writes no header block for an empty reply, which Go's framer refuses as a
    // wrongly sized payload; the stream's own port is a harmless header to send back.
    reply.headers().set("port", portText == null ? "" : portText);
    send(reply);
    Forward forward = byRequest.computeIfAbsent(requestId, Forward::new);
    byStream.put(id, forward);
    if ("error".equals(type)) {
      forward.errorStream = id;
      if (forward.failure != null) {
        forward.fail(forward.failure);
      }
    } else if ("data".equals(type)) {
      forward.dataStream = id;
      int port;
      try {
        port = Integer.parseInt(portText == null ? "" : portText);
        if (port <= 0 || port > 65535) {
          throw new NumberFormatException("out of range");
        }
      } catch (NumberFormatException e) {
        forward.fail("unable to parse \"" + portText + "\" as a port: " + e.getMessage());
        return;
      }
      forward.connect(port);
    } else {
      forward.fail("invalid stream type \"" + type + "\"");
    }
  }

  /** Encodes a frame and queues it for the tunnel. */
  private synchronized void send(SpdyFrame frame) {
    if (ended) {
      ReferenceCountUtil.release(frame);
      return;
    }
    codec.writeOutbound(frame);
    for (ByteBuf buf = codec.readOutbound(); buf != null; buf = codec.readOutbound()) {
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      buf.release();
      outbound.add(bytes);
    }
  }

  private synchronized void end() {
    if (ended) {
      return;
    }
    ended = true;
    byStream.values().forEach(Forward::closePod);
    outbound.end();
    codec.finishAndReleaseAll();
  }

  private static void awaitWritable(Channel channel) {
    // backpressure toward kubectl: this session's reader waits, no shared thread does
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (channel.isActive() && !channel.isWritable() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** One forwarded connection: its two streams and its socket in the pod. */
  private final class Forward {
    private final String requestId;
    private int errorStream;
    private int dataStream;
    private int port;
    private Channel socket;
    private boolean connected;
    private final Queue<ByteBuf> pending = new ArrayDeque<>();
    private boolean clientFinished;
    private boolean errorClosed;
    private boolean dataClosed;
    private String failure;

    Forward(String requestId) {
      this.requestId = requestId;
    }

    void connect(int port) {
      this.port = port;
      SocketChannel raw;
      try {
        raw = sockets.open();
      } catch (IOException e) {
        fail(message(e));
        return;
      }
      NioSocketChannel channel = new NioSocketChannel(raw);
      socket = channel;
      channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          fromPod((ByteBuf) msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
          podClosed();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
          LOG.log(Level.FINE, "port-forward socket in " + pod + " failed", cause);
          ctx.close();
        }
      });
      channel.config().setAutoRead(!paused);
      loop.register(channel).addListener(registered -> {
        if (!registered.isSuccess()) {
          failLater(registered.cause());
          return;
        }
        channel.connect(new InetSocketAddress("127.0.0.1", port)).addListener(done -> {
          if (done.isSuccess()) {
            connectedNow();
          } else {
            failLater(done.cause());
          }
        });
      });
    }

    private void connectedNow() {
      synchronized (PortForwardSession.this) {
        connected = true;
        for (ByteBuf buf = pending.poll(); buf != null; buf = pending.poll()) {
          socket.write(buf);
        }
        socket.flush();
        if (clientFinished) {
          shutdownOutput();
        }
      }
    }

    private void failLater(Throwable cause) {
      synchronized (PortForwardSession.this) {
        fail(message(cause));
      }
    }

    private String message(Throwable cause) {
      return "error forwarding port " + port + " to pod " + pod
          + ": failed to connect to localhost:" + port + " inside the pod's network namespace: "
          + cause.getMessage();
    }

    /** Bytes kubectl sent; returns the socket if it should drain before more is read. */
    Optional<Channel> fromClient(ByteBuf content, boolean last) {
      if (content.isReadable() && socket != null && socket.isOpen()) {
        if (connected) {
          socket.writeAndFlush(content.retain());
        } else {
          pending.add(content.retain());
        }
      }
      if (last) {
        clientFinished = true;
        if (connected) {
          shutdownOutput();
        }
      }
      return socket != null && connected && !socket.isWritable()
          ? Optional.of(socket) : Optional.empty();
    }

    private void shutdownOutput() {
      NioSocketChannel channel = (NioSocketChannel) socket;
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> channel.shutdownOutput());
    }

    private void fromPod(ByteBuf bytes) {
      synchronized (PortForwardSession.this) {
        if (dataClosed || ended) {
          bytes.release();
          return;
        }
        send(new DefaultSpdyDataFrame(dataStream, bytes));
      }
    }

    private void podClosed() {
      synchronized (PortForwardSession.this) {
        finish();
      }
    }

    /** The forward is over: both streams are closed (FIN) unless kubectl reset them. */
    private void finish() {
      if (!dataClosed && dataStream != 0) {
        dataClosed = true;
        DefaultSpdyDataFrame fin = new DefaultSpdyDataFrame(dataStream);
        fin.setLast(true);
        send(fin);
      }
      if (!errorClosed && errorStream != 0) {
        errorClosed = true;
        DefaultSpdyDataFrame fin = new DefaultSpdyDataFrame(errorStream);
        fin.setLast(true);
        send(fin);
      }
      if (dataClosed && errorClosed) {
        byStream.remove(dataStream);
        byStream.remove(errorStream);
        byRequest.remove(requestId);
      }
    }

    /** Reports the failure on the error stream (once it exists) and ends the forward. */
    void fail(String message) {
      failure = message;
      LOG.fine(() -> message);
      if (errorStream == 0) {
        return;
      }
      if (!errorClosed) {
        send(new DefaultSpdyDataFrame(errorStream,
            Unpooled.copiedBuffer(message, StandardCharsets.UTF_8)));
      }
      closePod();
      finish();
    }

    void reset(int streamId) {
      if (streamId == dataStream) {
        dataClosed = true;
        closePod();
      } else if (streamId == errorStream) {
        errorClosed = true;
      }
      finish();
    }

    void autoRead(boolean on) {
      if (socket != null) {
        socket.config().setAutoRead(on);
      }
    }

    void closePod() {
      for (ByteBuf buf = pending.poll(); buf != null; buf = pending.poll()) {
        buf.release();
      }
      if (socket != null) {
        socket.close();
      }
    }
  }
}
