package dev.capstan.agent.server;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * The framing of an exec stream between the API server and the agent, both ways over one HTTP
 * exchange: a channel byte, a 4-byte big-endian length, the payload. Channels are Kubernetes'
 * (0 stdin, 1 stdout, 2 stderr, 3 error/status, 4 terminal resize, 255 close of stdin), so the
 * API server relays frames to and from kubectl's WebSocket without translating them.
 */
public final class ExecFrames {

  public static final int STDIN = 0;
  public static final int STDOUT = 1;
  public static final int STDERR = 2;
  public static final int STATUS = 3;
  public static final int RESIZE = 4;
  public static final int CLOSE = 255;

  /** One frame. */
  public record Frame(int channel, byte[] payload) {}

  private ExecFrames() {}

  public static void write(OutputStream out, int channel, byte[] payload) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    synchronized (out) {
      data.writeByte(channel);
      data.writeInt(payload.length);
      data.write(payload);
      data.flush();
    }
  }

  /** The next frame; empty at the end of the stream. */
  public static Optional<Frame> read(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    int channel = data.read();
    if (channel < 0) {
      return Optional.empty();
    }
    try {
      int length = data.readInt();
      if (length < 0 || length > 16 * 1024 * 1024) {
        throw new IOException("frame of " + length + " bytes");
      }
      byte[] payload = new byte[length];
      data.readFully(payload);
      return Optional.of(new Frame(channel, payload));
    } catch (EOFException e) {
      return Optional.empty();
    }
  }
}
