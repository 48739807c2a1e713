package dev.capstan.api.nodes;

import dev.capstan.api.status.ApiException;
import dev.capstan.jsonp.Json;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The node agents' resource figures (the kubelet's Summary API, {@code GET /stats/summary}),
 * read on demand for the resource metrics API ({@code metrics.k8s.io}), as metrics-server reads
 * kubelets, over the same verified TLS as logs and exec ({@link AgentTls}).
 *
 * <p>Each node's answer is kept until the agent's next sampling is due (at most {@link #FRESH}:
 * a newer read would see the same sampling), a failure for {@link #FRESH}; and once an agent
 * has failed to answer, requests no longer wait for it (its node is read again in the
 * background), so a dead agent delays only the first request that finds it dead. It is a
 * cache only: nothing here is needed by another server, and a restarted server simply reads the
 * agents again.
 *
 * <p>Agents are read in parallel on this class's own threads, never the request threads' or
 * the container's shared executors; each read is bounded ({@link #READ_TIMEOUT}) and a caller
 * waits for all of them at most {@link #WAIT}: a node whose agent has not answered by then is
 * left out, as metrics-server leaves out a node it could not scrape, and its read goes on to
 * fill the cache for the next request.
 */
@ApplicationScoped
public class NodeSummaries {

  /** How long one reading of a node serves requests at most. */
  static final Duration FRESH = Duration.ofSeconds(10);
  /**
   * How often an agent samples ({@code CAPSTAN_STATS_INTERVAL}'s default, the kubelet's
   * housekeeping interval): a reading is read again once the agent's next sampling is due.
   */
  public static final Duration AGENT_SAMPLING = Duration.ofSeconds(10);
  /** Slack for the agent's sampling time (written in whole seconds) and its sampling's length. */
  private static final Duration SAMPLING_SLACK = Duration.ofSeconds(2);
  /** A reading serves at least this long, even when the agent's next sampling seems late. */
  private static final Duration MIN_FRESH = Duration.ofSeconds(2);
  /** Bounds connecting, the handshake and each read of one agent's answer. */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(4);
  /** How long a request waits for all the agents it needs. */
  static final Duration WAIT = Duration.ofSeconds(5);
  /** The largest summary read: about 10 KiB a pod, so ample for a node's 110 pods. */
  private static final int MAX_BODY = 16 * 1024 * 1024;
  private static final Logger LOG = Logger.getLogger(NodeSummaries.class.getName());

  /**
   * One reading of a node's agent, done or under way.
   *
   * @param afterFailure whether the reading before it failed: requests do not wait for it, so
   *     an agent known not to answer delays nobody, while its node is read again in the
   *     background and comes back as soon as it answers
   */
  private record Reading(NodeEndpoints.Agent agent, long startedNanos,
      CompletableFuture<Optional<JsonObject>> summary, boolean afterFailure) {

    boolean failed() {
      return summary.isDone() && summary.getNow(Optional.empty()).isEmpty();
    }

    /**
     * Whether this reading still answers for the agent: while under way, and once done for
     * {@link #FRESH} at most, or until the agent's next sampling is due (so a change shows as
     * soon as the agent has measured it), though never less than {@link #MIN_FRESH}.
     */
    boolean servesFor(NodeEndpoints.Agent wanted, long now) {
      if (!agent.equals(wanted)) {
        return false;
      }
      if (!summary.isDone()) {
        return true;
      }
      long age = now - startedNanos;
      if (age >= FRESH.toNanos()) {
        return false;
      }
      Optional<Instant> sampled = summary.getNow(Optional.empty()).flatMap(Reading::sampled);
      return sampled.isEmpty() || age < MIN_FRESH.toNanos()
          || Instant.now().isBefore(sampled.get().plus(AGENT_SAMPLING).plus(SAMPLING_SLACK));
    }

    /** When the agent sampled the node, as its summary says. */
    private static Optional<Instant> sampled(JsonObject summary) {
      try {
        return Optional.of(Instant.parse(summary.getJsonObject("node").getJsonObject("cpu")
            .getString("time")));
      } catch (RuntimeException e) {
        return Optional.empty();
      }
    }
  }

  private final Map<String, Reading> readings = new ConcurrentHashMap<>();
  private final ExecutorService scrapers = scrapers();

  /**
   * The last summary of each of these nodes whose agent answered, by node name; nodes without
   * an address, or whose agent did not answer in time, are not in it.
   *
   * @param nodes the Node objects, as stored
   */
  public Map<String, JsonObject> of(List<JsonObject> nodes) {
    long now = System.nanoTime();
    Map<String, CompletableFuture<Optional<JsonObject>>> pending = new LinkedHashMap<>();
    for (JsonObject node : nodes) {
      String name = node.getJsonObject("metadata").getString("name", "");
      NodeEndpoints.Agent agent;
      try {
        agent = NodeEndpoints.agent(node, name);
      } catch (ApiException e) {
        continue; // no InternalIP: nothing to read, as metrics-server skips such a node
      }
      Reading reading = readings.compute(name, (key, old) ->
          old != null && old.servesFor(agent, now) ? old
              : read(agent, now, old != null && old.agent().equals(agent) && old.failed()));
      if (!reading.afterFailure() || reading.summary().isDone()) {
        pending.put(name, reading.summary());
      }
    }
    forget(now);
    long deadline = now + WAIT.toNanos();
    Map<String, JsonObject> summaries = new LinkedHashMap<>();
    for (Map.Entry<String, CompletableFuture<Optional<JsonObject>>> entry : pending.entrySet()) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        entry.getValue().get(left, TimeUnit.NANOSECONDS)
            .ifPresent(summary -> summaries.put(entry.getKey(), summary));
      } catch (java.util.concurrent.TimeoutException e) {
        LOG.fine(() -> "The node agent of node " + entry.getKey() + " did not answer within "
            + WAIT.toSeconds() + " s; its node is left out of the resource metrics");
      } catch (java.util.concurrent.ExecutionException e) {
        // read() never fails its future
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return summaries;
  }

  private Reading read(NodeEndpoints.Agent agent, long now, boolean afterFailure) {
    CompletableFuture<Optional<JsonObject>> summary = new CompletableFuture<>();
    try {
      scrapers.execute(() -> summary.complete(scrape(agent)));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      summary.complete(Optional.empty());
    }
    return new Reading(agent, now, summary, afterFailure);
  }

  private static Optional<JsonObject> scrape(NodeEndpoints.Agent agent) {
    try (DuplexExchange response = DuplexExchange.get(agent, "/stats/summary", READ_TIMEOUT)) {
      byte[] body = response.body().readNBytes(MAX_BODY);
      if (response.status() != 200) {
        LOG.fine(() -> "The node agent of node " + agent.nodeName() + " answered "
            + response.status() + " to /stats/summary: "
            + new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8));
        return Optional.empty();
      }
      return Optional.of(Json.createReader(new StringReader(
          new String(body, StandardCharsets.UTF_8))).readObject());
    } catch (IOException | RuntimeException e) {
      // a broken answer (a JsonException) counts as none, as a connection that failed
      LOG.log(Level.FINE, "Could not read the resource figures of node " + agent.nodeName(), e);
      return Optional.empty();
    }
  }

  /** Drops readings nobody asked for in a while (nodes deleted, or no longer asked about). */
  private void forget(long now) {
    readings.values().removeIf(reading -> reading.summary().isDone()
        && now - reading.startedNanos() > 30 * FRESH.toNanos());
  }

  private static ExecutorService scrapers() {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor executor = new ThreadPoolExecutor(16, 16, 60, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(10_000), runnable -> {
          Thread thread = new Thread(runnable, "capstan-node-summaries-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  @PreDestroy
  void stop() {
    scrapers.shutdownNow();
  }
}
