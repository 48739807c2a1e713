package dev.capstan.agent.portforward;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The port-forward protocol as kubectl drives it, against a socket on this machine instead of a
 * pod's: a Netty SPDY codec plays kubectl.
 */
class PortForwardSessionTest {

  private final NioEventLoopGroup loop = new NioEventLoopGroup(1);
  private final EmbeddedChannel kubectl =
      new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
  private final BlockingQueue<SpdyFrame> received = new LinkedBlockingQueue<>();
  private final PipedOutputStream toSession = new PipedOutputStream();
  private Thread session;

  @AfterEach
  void stop() throws Exception {
    toSession.close();
    session.join(5_000);
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  @Test
  void aForwardedConnectionCarriesBytesBothWaysAndEndsBothStreams() throws Exception {
    try (ServerSocket server = new ServerSocket(0)) {
      Thread echo = new Thread(() -> {
        try (Socket socket = server.accept()) {
          byte[] request = socket.getInputStream().readAllBytes();
          socket.getOutputStream().write(("echo:" + new String(request, StandardCharsets.UTF_8))
              .getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      echo.start();
      start();
      send(stream(1, "error", server.getLocalPort()));
      assertThat(next()).isInstanceOf(SpdySynReplyFrame.class);
      send(stream(3, "data", server.getLocalPort()));
      assertThat(((SpdySynReplyFrame) next()).streamId()).isEqualTo(3);
      DefaultSpdyDataFrame hello = new DefaultSpdyDataFrame(3,
          Unpooled.copiedBuffer("hi", StandardCharsets.UTF_8));
      hello.setLast(true);
      send(hello);

      StringBuilder answer = new StringBuilder();
      SpdyDataFrame frame;
      do {
        frame = (SpdyDataFrame) next();
        assertThat(frame.streamId()).isEqualTo(3);
        answer.append(frame.content().toString(StandardCharsets.UTF_8));
      } while (!frame.isLast());
      assertThat(answer).hasToString("echo:hi");
      SpdyDataFrame errorEnd = (SpdyDataFrame) next();
      assertThat(errorEnd.streamId()).isEqualTo(1);
      assertThat(errorEnd.isLast()).isTrue();
      assertThat(errorEnd.content().readableBytes()).isZero();
    }
  }

  @Test
  void aPortNobodyListensOnIsReportedOnTheErrorStream() throws Exception {
    int closed;
    try (ServerSocket server = new ServerSocket(0)) {
      closed = server.getLocalPort();
    }
    start();
    send(stream(1, "error", closed));
    next();
    send(stream(3, "data", closed));
    next();

    SpdyDataFrame error = (SpdyDataFrame) next();
    assertThat(error.streamId()).isEqualTo(1);
    assertThat(error.content().toString(StandardCharsets.UTF_8))
        .startsWith("error forwarding port " + closed + " to pod ns/web, uid u1: failed to"
            + " connect to localhost:" + closed);
  }

  @Test
  void pingsAreAnswered() throws Exception {
    start();
    send(new DefaultSpdyPingFrame(1));

    assertThat(((SpdyPingFrame) next()).id()).isEqualTo(1);
  }

  private void start() throws IOException {
    PipedInputStream in = new PipedInputStream(toSession, 64 * 1024);
    OutputStream out = new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) {
        synchronized (kubectl) {
          kubectl.writeInbound(Unpooled.copiedBuffer(bytes, offset, length));
          for (Object frame = kubectl.readInbound(); frame != null; frame = kubectl.readInbound()) {
            received.add((SpdyFrame) frame);
          }
        }
      }
    };
    session = new Thread(() -> new PortForwardSession("ns/web, uid u1", SocketChannel::open, loop)
        .run(in, out));
    session.start();
  }

  private void send(SpdyFrame frame) throws IOException {
    synchronized (kubectl) {
      kubectl.writeOutbound(frame);
      for (ByteBuf buf = kubectl.readOutbound(); buf != null; buf = kubectl.readOutbound()) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        buf.release();
        toSession.write(bytes);
      }
    }
    toSession.flush();
  }

  private SpdyFrame next() throws InterruptedException {
    SpdyFrame frame = received.poll(10, TimeUnit.SECONDS);
    assertThat(frame).as("a frame from the session").isNotNull();
    return frame;
  }

  private static DefaultSpdySynStreamFrame stream(int id, String type, int port) {
    DefaultSpdySynStreamFrame frame = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
    frame.headers().set("streamtype", type).set("port", Integer.toString(port))
        .set("requestid", "0");
    return frame;
  }
}
