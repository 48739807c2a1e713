package dev.capstan.agent.portforward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.server.ExecFrames;
import io.netty.channel.nio.NioEventLoopGroup;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The WebSocket channel protocol of port-forward, against sockets on this machine. */
class ChannelPortForwardTest {

  private final NioEventLoopGroup loop = new NioEventLoopGroup(1);

  @AfterEach
  void stop() {
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  @Test
  void eachPortHasADataAndAnErrorChannelThatStartWithThePort() throws Exception {
    int refused;
    try (ServerSocket closed = new ServerSocket(0)) {
      refused = closed.getLocalPort();
    }
    try (ServerSocket server = new ServerSocket(0)) {
      Thread answer = new Thread(() -> {
        try (Socket socket = server.accept()) {
          String line = new BufferedReader(new InputStreamReader(socket.getInputStream(),
              StandardCharsets.UTF_8)).readLine();
          socket.getOutputStream().write(("echo:" + line).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      answer.start();
      PipedOutputStream client = new PipedOutputStream();
      PipedInputStream in = new PipedInputStream(client, 64 * 1024);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Thread session = new Thread(() -> new ChannelPortForward("ns/web, uid u1",
          List.of(server.getLocalPort(), refused), SocketChannel::open, loop).run(in, out));
      session.start();
      ExecFrames.write(client, 0, "hi\n".getBytes(StandardCharsets.UTF_8));
      List<ExecFrames.Frame> frames = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline
          && !(text(frames, 0).equals("echo:hi") && text(frames, 3).contains("error"))) {
        Thread.sleep(20);
        frames = frames(out);
      }
      client.close();
      session.join(5_000);
      int port = server.getLocalPort();
      assertThat(frames.get(0).channel()).isZero();
      assertThat(frames.get(0).payload()).containsExactly((byte) port, (byte) (port >> 8));
      assertThat(frames.get(1).channel()).isEqualTo(1);
      assertThat(frames.get(2).channel()).isEqualTo(2);
      assertThat(frames.get(3).payload()).containsExactly((byte) refused, (byte) (refused >> 8));
      assertThat(text(frames, 0)).isEqualTo("echo:hi");
      assertThat(text(frames, 3)).startsWith("error forwarding port " + refused
          + " to pod ns/web, uid u1: failed to connect to localhost:" + refused);
    }
  }

  private static List<ExecFrames.Frame> frames(ByteArrayOutputStream out) throws IOException {
    List<ExecFrames.Frame> frames = new ArrayList<>();
    byte[] written;
    synchronized (out) {
      written = out.toByteArray();
    }
    var bytes = new java.io.ByteArrayInputStream(written);
    for (Optional<ExecFrames.Frame> f = ExecFrames.read(bytes); f.isPresent();
        f = ExecFrames.read(bytes)) {
      frames.add(f.get());
    }
    return frames;
  }

  /** What a channel carried after its port. */
  private static String text(List<ExecFrames.Frame> frames, int channel) {
    StringBuilder text = new StringBuilder();
    frames.stream().filter(f -> f.channel() == channel).skip(1)
        .forEach(f -> text.append(new String(f.payload(), StandardCharsets.UTF_8)));
    return text.toString();
  }
}
