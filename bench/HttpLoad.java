import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends N HTTP/1.0 GETs (one connection each, as a service proxy sees new connections) to
 * host:port with C concurrent clients and prints requests per second and latency percentiles.
 * Run: java bench/HttpLoad.java <label> <host> <port> <N> <C>. Bounded: exactly N requests.
 */
public class HttpLoad {

  public static void main(String[] args) throws Exception {
    String label = args[0];
    String host = args[1];
    int port = Integer.parseInt(args[2]);
    int total = Integer.parseInt(args[3]);
    int concurrency = Integer.parseInt(args[4]);
    for (int i = 0; i < Math.min(200, total); i++) {
      get(host, port); // warm-up, not counted
    }
    long[] latencies = new long[total];
    AtomicInteger next = new AtomicInteger();
    AtomicLong failures = new AtomicLong();
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    Future<?>[] workers = new Future<?>[concurrency];
    for (int w = 0; w < concurrency; w++) {
      workers[w] = pool.submit(() -> {
        for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
          long t0 = System.nanoTime();
          if (!get(host, port)) {
            failures.incrementAndGet();
          }
          latencies[i] = System.nanoTime() - t0;
        }
      });
    }
    for (Future<?> worker : workers) {
      worker.get();
    }
    pool.shutdown();
    double seconds = (System.nanoTime() - start) / 1e9;
    Arrays.sort(latencies);
    System.out.printf("%-34s %7.0f req/s  p50 %5.2f ms  p99 %6.2f ms  failures %d%n", label,
        total / seconds, latencies[total / 2] / 1e6, latencies[(int) (total * 0.99)] / 1e6,
        failures.get());
  }

  private static boolean get(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 2000);
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET / HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] head = in.readNBytes(12);
      in.readAllBytes();
      return new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.0 200")
          || new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200");
    } catch (Exception e) {
      return false;
    }
  }
}
