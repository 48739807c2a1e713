package dev.capstan.agent.portforward;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The way out of a port-forward session to the API server: bytes queued by any thread (the pod
 * sockets' event loop must never block) and written by one thread of the session's own. While
 * more than {@link #HIGH_WATER} bytes wait, the session is told to stop reading its pod sockets,
 * and told to resume below {@link #LOW_WATER}.
 */
final class TunnelWriter {

  private static final Logger LOG = Logger.getLogger(TunnelWriter.class.getName());
  static final int HIGH_WATER = 1 << 20;
  static final int LOW_WATER = 256 << 10;
  private static final byte[] END = new byte[0];

  private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
  private final Consumer<Boolean> pause;
  private final Runnable failed;
  private final Thread thread;
  private long waiting;
  private boolean paused;

  /**
   * @param pause called with {@code true} to stop reading pod sockets, {@code false} to resume
   * @param failed called when the tunnel cannot be written any more
   */
  TunnelWriter(OutputStream out, Consumer<Boolean> pause, Runnable failed) {
    this.pause = pause;
    this.failed = failed;
    this.thread = new Thread(() -> write(out), "capstan-port-forward-writer");
    thread.setDaemon(true);
    thread.start();
  }

  void add(byte[] bytes) {
    boolean pauseNow;
    synchronized (this) {
      waiting += bytes.length;
      queue.add(bytes);
      pauseNow = !paused && waiting > HIGH_WATER;
      paused |= pauseNow;
    }
    if (pauseNow) {
      pause.accept(true);
    }
  }

  /** Writes what is queued, then stops. */
  void end() {
    queue.add(END);
  }

  void awaitEnd() {
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void write(OutputStream out) {
    try {
      while (true) {
        byte[] bytes = queue.poll();
        if (bytes == null) {
          out.flush();
          bytes = queue.take();
        }
        if (bytes == END) {
          out.flush();
          return;
        }
        out.write(bytes);
        written(bytes.length);
      }
    } catch (IOException e) {
      LOG.log(Level.FINE, "the port-forward tunnel closed", e);
      failed.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void written(int bytes) {
    boolean resume;
    synchronized (this) {
      waiting -= bytes;
      resume = paused && waiting < LOW_WATER;
      paused &= !resume;
    }
    if (resume) {
      pause.accept(false);
    }
  }
}
