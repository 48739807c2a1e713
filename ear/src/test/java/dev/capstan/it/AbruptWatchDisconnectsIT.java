package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Clients that vanish from their watches while events stream to them, many at once, as a fleet
 * of controllers does when its pods are killed: half reset their connections (RST), half close
 * them (FIN), while objects change so that the server is writing to the dead sockets. Each
 * watch is released (subscription, timers, the user's count), the API keeps answering, and
 * nothing unexpected reaches the server's log ({@link ServerLogScan} checks it after the class).
 *
 * <p>It drives the path of the UT015005/UT015021 {@code ConcurrentModificationException} in
 * Weld's request listener (a race, so not on every run): a write that fails in {@code flush()}
 * makes Undertow call the watch's {@code AsyncListener.onError} on the writing thread, and a
 * watch that completed the response from in there had two threads run the request's listeners
 * at once (see {@code Watch}). Its watches end with reason {@code async-error} when they took it.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AbruptWatchDisconnectsIT {

  private static final TestServer SERVER = TestServer.SUITE;
  private static final int ROUNDS = 6;
  /** Watches per round, below a user's limit of open watches (capstan.watch.max-per-user). */
  private static final int WATCHES = 300;

  @Test
  void watchesWhoseClientsVanishMidStreamAreReleasedAndLeaveNoServerErrors() throws Exception {
    String namespace = SERVER.newNamespace();
    String path = "/api/v1/namespaces/" + namespace + "/configmaps";
    long watchesBefore = metric("apiserver_longrunning_requests");
    ExecutorService clients = Executors.newFixedThreadPool(16);
    try {
      for (int round = 0; round < ROUNDS; round++) {
        List<Future<Socket>> opening = new ArrayList<>();
        for (int i = 0; i < WATCHES; i++) {
          opening.add(clients.submit(() -> openWatch(path + "?watch=1&timeoutSeconds=120")));
        }
        List<Socket> open = new ArrayList<>();
        for (Future<Socket> watch : opening) {
          open.add(watch.get(60, TimeUnit.SECONDS));
        }
        // the suite server runs for every class of its fork: watches of earlier classes may end
        // meanwhile, so the count is ours plus at most those open before
        assertThat(metric("apiserver_longrunning_requests")).as("open watches")
            .isBetween((long) WATCHES, watchesBefore + WATCHES);
        // Changes stream while the clients go, so the server writes to (and flushes into)
        // connections that are being reset or closed.
        Future<?> changes = clients.submit(() -> {
          for (int i = 0; i < 20; i++) {
            SERVER.create(namespace, "configmaps", configMap("r" + System.nanoTime()));
          }
        });
        List<Future<?>> closing = new ArrayList<>();
        for (int i = 0; i < open.size(); i++) {
          Socket socket = open.get(i);
          boolean reset = i % 2 == 0;
          closing.add(clients.submit(() -> {
            if (reset) {
              socket.setSoLinger(true, 0); // close() then sends RST, as a killed process's does
            }
            socket.close();
            return null;
          }));
        }
        for (Future<?> close : closing) {
          close.get(30, TimeUnit.SECONDS);
        }
        changes.get(60, TimeUnit.SECONDS);
        // The server notices a vanished client at its next write: keep changing objects.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int i = 0; metric("apiserver_longrunning_requests") > watchesBefore
            && System.nanoTime() < deadline; i++) {
          SERVER.create(namespace, "configmaps", configMap("after-" + round + "-" + i));
          Thread.sleep(200);
        }
        assertThat(metric("apiserver_longrunning_requests"))
            .as("open watches after round " + round + "'s clients vanished")
            .isLessThanOrEqualTo(watchesBefore);
      }
    } finally {
      clients.shutdownNow();
    }
    assertThat(Http.get(SERVER.api("/livez")).statusCode()).isEqualTo(200);
    System.out.printf("AbruptWatchDisconnectsIT: %d watches ended, by reason %s%n",
        ROUNDS * WATCHES, watchEnds());
  }

  /**
   * A watch on a socket of its own, once the server answered 200 and committed the headers. A
   * 503 (all database connections taken by the burst of starting watches) is retried, as
   * clients retry.
   */
  private static Socket openWatch(String pathAndQuery) throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      Socket socket = tryWatch(pathAndQuery);
      if (socket != null || attempt == 20) {
        assertThat(socket).as("a watch answered 503 twenty times").isNotNull();
        return socket;
      }
      Thread.sleep(500);
    }
  }

  private static Socket tryWatch(String pathAndQuery) throws IOException {
    URI base = SERVER.api("/");
    Socket socket = new Socket(base.getHost(), base.getPort());
    socket.setSoTimeout(30_000);
    OutputStream out = socket.getOutputStream();
    out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + base.getHost() + ":"
        + base.getPort() + "\r\nAuthorization: Bearer " + Http.token()
        + "\r\nAccept: application/json\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String head = readHead(socket.getInputStream());
    if (head.startsWith("HTTP/1.1 503")) {
      socket.close();
      return null;
    }
    assertThat(head).as("the watch's response head").startsWith("HTTP/1.1 200");
    return socket;
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (head.indexOf("\r\n\r\n") < 0) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    return head.toString();
  }

  private static String configMap(String name) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
        + "\"},\"data\":{\"k\":\"v\"}}";
  }

  /** A metric summed over its series (watches: those of WATCH requests), read as Prometheus does. */
  private static long metric(String name) {
    PrometheusText metrics = PrometheusText.parse(Http.get(SERVER.api("/metrics")).body());
    java.util.Map<String, String> labels = name.equals("apiserver_longrunning_requests")
        ? java.util.Map.of("verb", "WATCH") : java.util.Map.of();
    if (labels.isEmpty()) {
      assertThat(metrics.samples(name)).as(name).isNotEmpty();
    }
    // no WATCH series yet means no watch was ever open on this server: none now
    return Math.round(metrics.sum(name, labels));
  }

  private static TreeMap<String, Long> watchEnds() {
    TreeMap<String, Long> ends = new TreeMap<>();
    PrometheusText.parse(Http.get(SERVER.api("/metrics")).body())
        .samples("capstan_watch_ends_total").forEach(sample -> ends.put(
            sample.labels().get("reason"), Math.round(sample.value())));
    return ends;
  }
}
