package dev.capstan.agent.dns;

import dev.capstan.agent.services.ServiceCatalog;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;

/**
 * The node's cluster DNS server (CoreDNS's role, run on every node as NodeLocal DNSCache runs):
 * answers the cluster domain's names from the {@link ServiceCatalog} (see {@link DnsAnswers}) and
 * forwards every other name to the machine's own nameservers, over UDP and TCP on port 53 of an
 * address the node's pods reach (the agent uses its Docker bridge's gateway). Pods whose
 * {@code dnsPolicy} is ClusterFirst get it as their nameserver.
 *
 * <p>Its sockets are bound with {@code SO_REUSEPORT}, so several agents on one machine share the
 * address; they answer alike, as they read the same API.
 *
 * <p>Threads: answers from the catalog are computed on a small pool, and forwarding is
 * asynchronous (dnsjava's {@code sendAsync}), so a slow upstream holds no thread. A TCP
 * connection (the fallback for answers too long for UDP: rare, short, one or two queries) is
 * served on a thread of its own from a pool capped at {@value #MAX_TCP_CONNECTIONS}, and dropped
 * after {@code 2 s} without a query, so idle clients cannot hold the pool; beyond the cap a new
 * connection is closed and the client retries. That is simpler than a selector loop and bounds
 * what a burst can cost.
 */
public final class ClusterDns implements AutoCloseable {

  public static final String DOMAIN = "cluster.local";
  private static final Logger LOG = Logger.getLogger(ClusterDns.class.getName());
  private static final int MAX_UDP = 512;
  private static final int MAX_TCP_CONNECTIONS = 64;
  private static final int TCP_IDLE_MILLIS = 2_000;

  private final ServiceCatalog catalog;
  private final InetSocketAddress address;
  private final DnsAnswers answers = new DnsAnswers(DOMAIN);
  private final Optional<Resolver> upstream;
  private final ExecutorService workers = Executors.newFixedThreadPool(2, runnable -> {
    Thread thread = new Thread(runnable, "capstan-dns");
    thread.setDaemon(true);
    return thread;
  });
  private final ExecutorService connections = new ThreadPoolExecutor(0, MAX_TCP_CONNECTIONS,
      30, TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
        Thread thread = new Thread(runnable, "capstan-dns-tcp-connection");
        thread.setDaemon(true);
        return thread;
      });
  private DatagramChannel udp;
  private ServerSocketChannel tcp;
  private volatile boolean open = true;

  public ClusterDns(ServiceCatalog catalog, InetSocketAddress address) {
    this.catalog = catalog;
    this.address = address;
    this.upstream = upstream();
  }

  public InetAddress address() {
    return address.getAddress();
  }

  public void start() throws IOException {
    udp = DatagramChannel.open();
    udp.setOption(StandardSocketOptions.SO_REUSEADDR, true);
    udp.setOption(StandardSocketOptions.SO_REUSEPORT, true);
    udp.bind(address);
    tcp = ServerSocketChannel.open();
    tcp.setOption(StandardSocketOptions.SO_REUSEADDR, true);
    tcp.setOption(StandardSocketOptions.SO_REUSEPORT, true);
    tcp.bind(address);
    daemon(this::serveUdp, "capstan-dns-udp").start();
    daemon(this::serveTcp, "capstan-dns-tcp").start();
    LOG.info(() -> "Cluster DNS for " + DOMAIN + " on " + address);
  }

  private void serveUdp() {
    ByteBuffer buffer = ByteBuffer.allocate(4096);
    while (open) {
      try {
        buffer.clear();
        SocketAddress client = udp.receive(buffer);
        byte[] query = new byte[buffer.position()];
        buffer.flip().get(query);
        CompletableFuture.supplyAsync(() -> query, workers)
            .thenCompose(q -> reply(q, MAX_UDP))
            .thenAccept(reply -> {
              if (reply.length > 0) {
                try {
                  udp.send(ByteBuffer.wrap(reply), client);
                } catch (IOException e) {
                  LOG.log(Level.FINE, "DNS reply to " + client + " failed", e);
                }
              }
            });
      } catch (IOException e) {
        if (open) {
          LOG.log(Level.FINE, "DNS receive failed", e);
        }
      }
    }
  }

  private void serveTcp() {
    while (open) {
      try {
        SocketChannel connection = tcp.accept();
        try {
          connections.execute(() -> answerTcp(connection));
        } catch (RejectedExecutionException e) {
          LOG.fine("Too many DNS connections; closing a new one");
          connection.close();
        }
      } catch (IOException e) {
        if (open) {
          LOG.log(Level.FINE, "DNS accept failed", e);
        }
      }
    }
  }

  private void answerTcp(SocketChannel connection) {
    try (connection) {
      connection.socket().setSoTimeout(TCP_IDLE_MILLIS);
      var in = new java.io.DataInputStream(connection.socket().getInputStream());
      var out = new java.io.DataOutputStream(connection.socket().getOutputStream());
      while (true) {
        int length = in.readUnsignedShort();
        byte[] query = in.readNBytes(length);
        byte[] reply = reply(query, 65535).get(5, TimeUnit.SECONDS);
        out.writeShort(reply.length);
        out.write(reply);
        out.flush();
      }
    } catch (IOException | java.util.concurrent.ExecutionException
        | java.util.concurrent.TimeoutException e) {
      // the client closed the connection or went quiet, or no answer came in time
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The wire-format reply to a wire-format query; empty for a query too broken to answer. */
  CompletableFuture<byte[]> reply(byte[] wire, int maxLength) {
    Message query;
    try {
      query = new Message(wire);
    } catch (IOException e) {
      return CompletableFuture.completedFuture(new byte[0]);
    }
    try {
      Optional<Message> answer = answers.answer(query, catalog.services(), catalog.endpoints());
      if (answer.isPresent()) {
        return CompletableFuture.completedFuture(answer.get().toWire(maxLength));
      }
      if (upstream.isPresent()) {
        return upstream.get().sendAsync(query).toCompletableFuture()
            .thenApply(reply -> reply.toWire(maxLength))
            .exceptionally(failure -> {
              LOG.log(Level.FINE, "Forwarding " + query.getQuestion() + " failed", failure);
              return serverFailure(query, maxLength);
            });
      }
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "Answering " + query.getQuestion() + " failed", e);
    }
    return CompletableFuture.completedFuture(serverFailure(query, maxLength));
  }

  private static byte[] serverFailure(Message query, int maxLength) {
    Message failure = DnsAnswers.responseTo(query);
    failure.getHeader().setRcode(Rcode.SERVFAIL);
    return failure.toWire(maxLength);
  }

  /** The machine's first nameserver that is not this server, for names outside the cluster. */
  private Optional<Resolver> upstream() {
    List<InetSocketAddress> servers = ResolverConfig.getCurrentConfig().servers();
    return servers.stream()
        .filter(server -> !server.getAddress().equals(address.getAddress()))
        .findFirst()
        .map(server -> {
          SimpleResolver resolver = new SimpleResolver(server);
          resolver.setTimeout(Duration.ofSeconds(2));
          return resolver;
        });
  }

  private static Thread daemon(Runnable body, String name) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }

  @Override
  public void close() {
    open = false;
    try {
      if (udp != null) {
        udp.close();
      }
      if (tcp != null) {
        tcp.close();
      }
    } catch (IOException e) {
      LOG.log(Level.FINE, "Closing the DNS sockets", e);
    }
    workers.shutdownNow();
    connections.shutdownNow();
  }
}
