package dev.capstan.agent.pods;

import dev.capstan.agent.AgentConfig;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The kubelet's pod workers without a thread per pod: each pod ({@code namespace/name}) is a
 * small state machine (see the package diagram) whose syncs run one at a time, on a shared pool
 * of a few threads. A sync never waits (grace periods, back-offs, pulls and hooks are wake-ups),
 * so a pod's termination or restart never holds a thread another pod needs. Asking for a sync
 * while one runs marks the pod dirty: it runs once more afterwards, never twice at once.
 *
 * <p>One scheduler thread does every timed wake-up (a pod keeps only its earliest), the retries
 * after a failed sync (2 s doubling to a minute), and the periodic resync, which only lists the
 * node's pods and the runtime's orphans and asks for their syncs, so a lost message or event only
 * delays work.
 */
public final class PodWorkers implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(PodWorkers.class.getName());
  private static final Duration RETRY = Duration.ofSeconds(2);
  private static final Duration MAX_RETRY = Duration.ofMinutes(1);

  /** Where a pod's worker stands. */
  enum State { IDLE, QUEUED, SYNCING, SYNCING_DIRTY }

  /** One pod's worker: its state, its pending wake-up and its failures in a row. */
  private static final class Worker {
    State state = State.IDLE;
    ScheduledFuture<?> wakeUp;
    Instant wakeUpAt;
    Duration retry;
  }

  /** Syncs one pod; the pod's own wake-up asks for another sync of it. */
  @FunctionalInterface
  public interface Sync {
    Optional<Instant> sync(String namespace, String name, Runnable wake);
  }

  private final AgentConfig config;
  private final KubernetesClient api;
  private final PodSyncer syncer;
  private final Sync sync;
  private final Clock clock;
  private final Map<String, Worker> workers = new ConcurrentHashMap<>();
  private final ExecutorService pool;
  private final ScheduledExecutorService scheduler;
  private final Optional<StaticPods> staticPods;
  private volatile boolean closed;

  public PodWorkers(AgentConfig config, KubernetesClient api, PodSyncer syncer, Clock clock,
      int threads) {
    this(config, api, syncer, syncer::sync, clock, threads);
  }

  PodWorkers(AgentConfig config, KubernetesClient api, PodSyncer syncer, Sync sync, Clock clock,
      int threads) {
    this.config = config;
    this.api = api;
    this.syncer = syncer;
    this.sync = sync;
    this.clock = clock;
    this.staticPods = config == null ? Optional.empty() : config.staticPodDir()
        .map(dir -> new StaticPods(api, config.nodeName(), dir));
    this.pool = Executors.newFixedThreadPool(threads, daemon("capstan-pod-worker"));
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("capstan-pod-timer"));
  }

  public void start() {
    scheduler.scheduleWithFixedDelay(this::resync, 0, config.resyncInterval().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Asks for the pod {@code namespace/name} to be synced soon. */
  public void enqueue(String namespace, String name) {
    enqueue(namespace + "/" + name);
  }

  /** Asks for a sync of the pod at {@code when}, unless one is already due sooner. */
  void enqueueAt(String key, Instant when) {
    // compute: a worker's transitions and its removal are atomic per key
    workers.compute(key, (k, existing) -> {
      Worker worker = existing == null ? new Worker() : existing;
      synchronized (worker) {
        if (worker.wakeUp != null && !worker.wakeUp.isDone()
            && !worker.wakeUpAt.isAfter(when)) {
          return worker;
        }
        if (worker.wakeUp != null) {
          worker.wakeUp.cancel(false);
        }
        long delay = Math.max(1, Duration.between(clock.instant(), when).toMillis());
        worker.wakeUpAt = when;
        if (!closed) {
          worker.wakeUp = scheduler.schedule(() -> enqueue(key), delay, TimeUnit.MILLISECONDS);
        }
      }
      return worker;
    });
  }

  private void enqueue(String key) {
    workers.compute(key, (k, existing) -> {
      Worker worker = existing == null ? new Worker() : existing;
      synchronized (worker) {
        switch (worker.state) {
          case IDLE -> {
            worker.state = State.QUEUED;
            submit(key, worker);
          }
          case SYNCING -> worker.state = State.SYNCING_DIRTY;
          default -> { }
        }
      }
      return worker;
    });
  }

  private void submit(String key, Worker worker) {
    if (!closed) {
      pool.execute(() -> run(key, worker));
    }
  }

  private void run(String key, Worker worker) {
    synchronized (worker) {
      worker.state = State.SYNCING;
    }
    String[] parts = key.split("/", 2);
    Optional<Instant> again = Optional.empty();
    boolean failed = false;
    try {
      again = sync.sync(parts[0], parts[1], () -> enqueue(key));
    } catch (RuntimeException e) {
      failed = true;
      Duration retry;
      synchronized (worker) {
        retry = worker.retry == null ? RETRY
            : worker.retry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY
            : worker.retry.multipliedBy(2);
        worker.retry = retry;
      }
      LOG.warning(() -> "Could not sync pod " + key + "; retrying in " + retry.toSeconds()
          + " s: " + e);
      LOG.log(Level.FINE, "sync failure", e);
      again = Optional.of(clock.instant().plus(retry));
    }
    synchronized (worker) {
      if (!failed) {
        worker.retry = null;
      }
      if (worker.state == State.SYNCING_DIRTY) {
        worker.state = State.QUEUED;
        submit(key, worker);
      } else {
        worker.state = State.IDLE;
      }
    }
    again.ifPresent(when -> enqueueAt(key, when));
    // a pod with nothing queued, running or due is forgotten, so gone pods cost nothing
    workers.computeIfPresent(key, (k, current) -> {
      synchronized (current) {
        boolean waiting = current.wakeUp != null && !current.wakeUp.isDone();
        return current.state == State.IDLE && !waiting && current.retry == null ? null : current;
      }
    });
  }

  /**
   * Mirrors the static pods, asks for a sync of every pod bound to this node and of every pod
   * whose containers run here without it.
   */
  void resync() {
    try {
      staticPods.ifPresent(StaticPods::sync);
      Instant listed = clock.instant();
      Set<String> uids = new HashSet<>();
      for (Pod pod : api.pods().inAnyNamespace()
          .withField("spec.nodeName", config.nodeName()).list().getItems()) {
        uids.add(pod.getMetadata().getUid());
        enqueue(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
      }
      syncer.orphans(uids, listed).forEach(this::enqueue);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Resync failed; trying again in " + config.resyncInterval()
          .toSeconds() + " s: " + e.getMessage());
    }
  }

  /** The number of pods with a worker now (queued, syncing or waiting for a wake-up). */
  int size() {
    return workers.size();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public void close() {
    closed = true;
    scheduler.shutdownNow();
    pool.shutdownNow();
  }
}
