package dev.capstan.agent.runtime;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A started Docker exec, or an attach to a container, with its connection taken over
 * ("hijacked") for stdin and output, on a socket of its own. docker-java's transports cannot end stdin without closing the whole
 * connection, so an interactive command (say {@code cat}) would never see end-of-file; here
 * {@link #closeStdin()} half-closes the socket, which Docker passes on as EOF.
 */
public final class HijackedExec implements Closeable {

  /** A piece of output: 1 stdout, 2 stderr (a TTY has only stdout). */
  public record Output(int stream, byte[] data) {}

  private final SocketChannel channel;
  private final OutputStream stdin;
  private final InputStream output;
  private final boolean tty;

  private HijackedExec(SocketChannel channel, InputStream output, boolean tty) {
    this.channel = channel;
    this.stdin = outputOf(channel);
    this.output = output;
    this.tty = tty;
  }

  /** Starts the exec {@code execId} on the engine at {@code dockerHost}. */
  public static HijackedExec start(String dockerHost, String execId, boolean tty)
      throws IOException {
    return open(dockerHost, "/exec/" + execId + "/start",
        "{\"Detach\":false,\"Tty\":" + tty + "}", tty);
  }

  /** Attaches to the running container's stdin (when {@code stdin}) and output. */
  public static HijackedExec attach(String dockerHost, String containerId, boolean stdin,
      boolean tty) throws IOException {
    return open(dockerHost, "/containers/" + containerId + "/attach?stream=1&stdout=1&stderr=1"
        + (stdin ? "&stdin=1" : ""), "", tty);
  }

  private static HijackedExec open(String dockerHost, String path, String json, boolean tty)
      throws IOException {
    URI host = URI.create(dockerHost);
    SocketChannel channel;
    if ("unix".equals(host.getScheme())) {
      channel = SocketChannel.open(StandardProtocolFamily.UNIX);
      channel.connect(UnixDomainSocketAddress.of(host.getPath()));
    } else if ("tcp".equals(host.getScheme())) {
      channel = SocketChannel.open(new InetSocketAddress(host.getHost(), host.getPort()));
    } else {
      throw new IOException("interactive exec needs a unix:// or tcp:// Docker host, not "
          + dockerHost);
    }
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    OutputStream out = outputOf(channel);
    out.write(("POST " + path + " HTTP/1.1\r\n"
        + "Host: docker\r\n"
        + "Content-Type: application/json\r\n"
        + "Connection: Upgrade\r\n"
        + "Upgrade: tcp\r\n"
        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
    InputStream in = new BufferedInputStream(inputOf(channel));
    String status = line(in);
    if (!status.matches("HTTP/1\\.[01] (101|200) .*")) {
      channel.close();
      throw new IOException("Docker refused " + path + ": " + status);
    }
    while (!line(in).isEmpty()) {
      // headers
    }
    return new HijackedExec(channel, in, tty);
  }

  public void writeStdin(byte[] data) throws IOException {
    stdin.write(data);
    stdin.flush();
  }

  /** Ends stdin: the command reads end-of-file. */
  public void closeStdin() throws IOException {
    channel.shutdownOutput();
  }

  /** The next piece of output; empty when the command's output ended. */
  public Optional<Output> read() throws IOException {
    if (tty) {
      byte[] buffer = new byte[8192];
      int read = output.read(buffer);
      return read < 0 ? Optional.empty()
          : Optional.of(new Output(1, java.util.Arrays.copyOf(buffer, read)));
    }
    DataInputStream data = new DataInputStream(output);
    try {
      int stream = data.readUnsignedByte();
      data.skipBytes(3);
      int length = data.readInt();
      byte[] payload = new byte[length];
      data.readFully(payload);
      return Optional.of(new Output(stream == 2 ? 2 : 1, payload));
    } catch (EOFException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  /*
   * Channels.newInputStream/newOutputStream lock the channel for every blocking read, so a write
   * would wait for the output; a SocketChannel itself reads and writes independently.
   */
  private static InputStream inputOf(SocketChannel channel) {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
          return 0;
        }
        int read;
        do {
          read = channel.read(ByteBuffer.wrap(buffer, offset, length));
        } while (read == 0);
        return read;
      }
    };
  }

  private static OutputStream outputOf(SocketChannel channel) {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] buffer, int offset, int length) throws IOException {
        ByteBuffer data = ByteBuffer.wrap(buffer, offset, length);
        while (data.hasRemaining()) {
          channel.write(data);
        }
      }
    };
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (c != '\r') {
        line.write(c);
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }
}
