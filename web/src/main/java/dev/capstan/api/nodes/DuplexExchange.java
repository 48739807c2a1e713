package dev.capstan.api.nodes;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 request to a node agent whose body and response stream at the same time (an
 * exec session), on a TLS connection of its own ({@link AgentTls}): the request body goes out in chunks as it is written,
 * and the response body is read, de-chunked, while it is. {@code java.net.http} sends a
 * request body whole before it reads the answer, so it cannot carry an interactive session.
 */
final class DuplexExchange implements Closeable {

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final int status;
  private final boolean chunked;

  private DuplexExchange(Socket socket, OutputStream out, InputStream in, int status,
      boolean chunked) {
    this.socket = socket;
    this.out = out;
    this.in = in;
    this.status = status;
    this.chunked = chunked;
  }

  /** A request whose body streams ({@link #send}, {@link #finish}): exec, attach, port-forward. */
  static DuplexExchange post(NodeEndpoints.Agent agent, String pathAndQuery) throws IOException {
    return open(agent, "POST " + pathAndQuery + " HTTP/1.1\r\n"
        + "Host: " + agent.authority() + "\r\n"
        + "Content-Type: application/x-capstan-exec\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n");
  }

  /** A request without a body whose answer streams: container logs. */
  static DuplexExchange get(NodeEndpoints.Agent agent, String pathAndQuery) throws IOException {
    return open(agent, "GET " + pathAndQuery + " HTTP/1.1\r\n"
        + "Host: " + agent.authority() + "\r\n"
        + "Connection: close\r\n\r\n");
  }

  /**
   * A request without a body whose answer is read whole and soon: each of connecting, the
   * handshake and every read of the answer is given up after {@code timeout}.
   */
  static DuplexExchange get(NodeEndpoints.Agent agent, String pathAndQuery,
      java.time.Duration timeout) throws IOException {
    int millis = (int) Math.max(1, timeout.toMillis());
    Socket socket = AgentTls.connect(agent, millis, millis);
    socket.setSoTimeout(millis);
    return open(socket, "GET " + pathAndQuery + " HTTP/1.1\r\n"
        + "Host: " + agent.authority() + "\r\n"
        + "Connection: close\r\n\r\n");
  }

  /** Sends the request head over a verified TLS connection ({@link AgentTls}). */
  private static DuplexExchange open(NodeEndpoints.Agent agent, String head) throws IOException {
    return open(AgentTls.connect(agent), head);
  }

  private static DuplexExchange open(Socket socket, String head)
      throws IOException {
    socket.setTcpNoDelay(true);
    OutputStream out = socket.getOutputStream();
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = new BufferedInputStream(socket.getInputStream());
    String statusLine = line(in);
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      socket.close();
      throw new IOException("not an HTTP answer: " + statusLine);
    }
    int status = Integer.parseInt(parts[1]);
    boolean chunked = false;
    long length = -1;
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      String lower = header.toLowerCase(Locale.ROOT);
      if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      } else if (lower.startsWith("content-length:")) {
        length = Long.parseLong(header.substring(header.indexOf(':') + 1).trim());
      }
    }
    InputStream body = chunked ? new ChunkedInput(in) : length >= 0 ? limited(in, length) : in;
    return new DuplexExchange(socket, out, body, status, chunked);
  }

  int status() {
    return status;
  }

  /** The response body, de-chunked. */
  InputStream body() {
    return in;
  }

  /** Sends bytes of the request body as one chunk. */
  void send(byte[] bytes) throws IOException {
    if (bytes.length == 0) {
      return;
    }
    synchronized (out) {
      out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
  }

  /** Ends the request body. */
  void finish() throws IOException {
    synchronized (out) {
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
  }

  boolean chunked() {
    return chunked;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (c != '\r') {
        line.write(c);
      }
      if (line.size() > 8192) {
        throw new IOException("header line too long");
      }
    }
    if (c < 0 && line.size() == 0) {
      throw new IOException("the node agent closed the connection");
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  private static InputStream limited(InputStream in, long length) {
    return new InputStream() {
      private long left = length;

      @Override
      public int read() throws IOException {
        if (left <= 0) {
          return -1;
        }
        int c = in.read();
        if (c >= 0) {
          left--;
        }
        return c;
      }
    };
  }

  /** A chunked body, as the bytes it carries. */
  private static final class ChunkedInput extends InputStream {
    private final InputStream in;
    private long left;
    private boolean done;

    ChunkedInput(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int read = read(one, 0, 1);
      return read < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (done) {
        return -1;
      }
      if (length == 0) {
        return 0;
      }
      if (left == 0) {
        String size = line(in);
        int semicolon = size.indexOf(';');
        left = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
        if (left == 0) {
          done = true;
          return -1;
        }
      }
      int read = in.read(buffer, offset, (int) Math.min(length, left));
      if (read < 0) {
        done = true;
        return -1;
      }
      left -= read;
      if (left == 0) {
        line(in);
      }
      return read;
    }
  }
}
