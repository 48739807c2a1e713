package dev.capstan.agent.portforward;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Opens sockets inside another process's network namespace, as containerd's port-forward does
 * ({@code netns.Do} around a dial): one dedicated thread enters the namespace with
 * {@code setns(2)}, creates the socket and returns to the agent's own namespace. A socket keeps
 * the namespace it was created in, so it is then connected and used from any thread, and a port
 * the pod binds only to 127.0.0.1 is reachable.
 *
 * <p>{@code setns} changes only the calling thread's namespace, hence the one thread; if it could
 * not return home the thread ends (an uncaught exception) and the executor starts a new one, so
 * no other work ever runs in a pod's namespace.
 */
public final class NetworkNamespaces implements AutoCloseable {

  private static final int CLONE_NEWNET = 0x40000000;
  private static final int O_RDONLY = 0;
  private static final int O_CLOEXEC = 0x80000;

  /** The C library calls used. */
  interface LibC extends Library {
    int open(String path, int flags);

    int close(int fd);

    int setns(int fd, int nstype);
  }

  private final LibC libc = Native.load("c", LibC.class);
  private final ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
    Thread t = new Thread(runnable, "capstan-netns");
    t.setDaemon(true);
    return t;
  });

  /** A new, unconnected TCP socket in the network namespace of process {@code pid}. */
  public SocketChannel openSocket(long pid) throws IOException {
    CompletableFuture<SocketChannel> socket = new CompletableFuture<>();
    thread.execute(() -> openIn("/proc/" + pid + "/ns/net", socket));
    try {
      return socket.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private void openIn(String namespace, CompletableFuture<SocketChannel> socket) {
    int home = libc.open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (home < 0) {
      socket.completeExceptionally(new IOException(
          "cannot open this thread's network namespace: errno " + Native.getLastError()));
      return;
    }
    int target = libc.open(namespace, O_RDONLY | O_CLOEXEC);
    try {
      if (target < 0) {
        socket.completeExceptionally(new IOException("cannot open " + namespace + ": errno "
            + Native.getLastError()));
        return;
      }
      if (libc.setns(target, CLONE_NEWNET) != 0) {
        socket.completeExceptionally(new IOException("cannot enter " + namespace + ": errno "
            + Native.getLastError()));
        return;
      }
      try {
        socket.complete(SocketChannel.open());
      } catch (IOException | RuntimeException e) {
        socket.completeExceptionally(e);
      }
      if (libc.setns(home, CLONE_NEWNET) != 0) {
        socket.completeExceptionally(new IOException("lost the agent's network namespace"));
        // ends this thread: the executor starts a fresh one in the agent's namespace
        throw new IllegalStateException("cannot return to the agent's network namespace: errno "
            + Native.getLastError());
      }
    } finally {
      if (target >= 0) {
        libc.close(target);
      }
      libc.close(home);
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
