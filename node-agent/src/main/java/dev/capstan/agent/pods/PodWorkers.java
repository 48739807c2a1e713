package dev.capstan.agent.pods;

import dev.capstan.agent.AgentConfig;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The agent's work queue of pods, keyed {@code namespace/name}, shaped like client-go's: a key
 * is queued at most once however often it is asked for, never synced by two workers at once,
 * and asked for again after a failure (2 s, doubling up to a minute while it keeps failing) or
 * when its sync wants another look (a back-off ending).
 * Every resync interval all pods bound to this node are queued and containers of pods it no
 * longer has are removed, so a lost message or event only delays work.
 */
public final class PodWorkers implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(PodWorkers.class.getName());
  private static final Duration RETRY = Duration.ofSeconds(2);
  private static final Duration MAX_RETRY = Duration.ofMinutes(1);

  private final AgentConfig config;
  private final KubernetesClient api;
  private final PodSyncer syncer;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final Set<String> queued = new LinkedHashSet<>();
  private final Set<String> processing = new HashSet<>();
  private final Set<String> dirty = new HashSet<>();
  private final java.util.Map<String, Duration> failures =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final int workers;
  private final Optional<StaticPods> staticPods;
  private volatile boolean closed;

  public PodWorkers(AgentConfig config, KubernetesClient api, PodSyncer syncer, Clock clock,
      int workers) {
    this.config = config;
    this.api = api;
    this.syncer = syncer;
    this.clock = clock;
    this.workers = workers;
    this.staticPods = config.staticPodDir()
        .map(dir -> new StaticPods(api, config.nodeName(), dir));
    this.scheduler = Executors.newScheduledThreadPool(workers + 1, runnable -> {
      Thread thread = new Thread(runnable, "capstan-pod-worker");
      thread.setDaemon(true);
      return thread;
    });
  }

  public void start() {
    for (int i = 0; i < workers; i++) {
      scheduler.execute(this::work);
    }
    scheduler.scheduleWithFixedDelay(this::resync, 0, config.resyncInterval().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Asks for the pod {@code namespace/name} to be synced soon. */
  public synchronized void enqueue(String namespace, String name) {
    String key = namespace + "/" + name;
    if (processing.contains(key)) {
      dirty.add(key);
    } else if (queued.add(key)) {
      notifyAll();
    }
  }

  private void enqueueAfter(String key, Duration delay) {
    String[] parts = key.split("/", 2);
    scheduler.schedule(() -> enqueue(parts[0], parts[1]), Math.max(1, delay.toMillis()),
        TimeUnit.MILLISECONDS);
  }

  private synchronized String take() throws InterruptedException {
    while (queued.isEmpty() && !closed) {
      wait();
    }
    if (closed) {
      throw new InterruptedException("closed");
    }
    String key = queued.iterator().next();
    queued.remove(key);
    processing.add(key);
    return key;
  }

  private synchronized void done(String key) {
    processing.remove(key);
    if (dirty.remove(key) && queued.add(key)) {
      notifyAll();
    }
  }

  private void work() {
    while (!closed) {
      String key;
      try {
        key = take();
      } catch (InterruptedException e) {
        return;
      }
      String[] parts = key.split("/", 2);
      try {
        Optional<Instant> again = syncer.sync(parts[0], parts[1]);
        failures.remove(key);
        again.ifPresent(when -> enqueueAfter(key, Duration.between(clock.instant(), when)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        Duration retry = failures.merge(key, RETRY, (previous, first) ->
            previous.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY
                : previous.multipliedBy(2));
        LOG.warning(() -> "Could not sync pod " + key + "; retrying in " + retry.toSeconds()
            + " s: " + e);
        LOG.log(Level.FINE, "sync failure", e);
        if (!closed) {
          enqueueAfter(key, retry);
        }
        continue;
      } finally {
        done(key);
      }
    }
  }

  /**
   * Mirrors the static pods, queues every pod bound to this node, and removes containers of
   * pods that are gone.
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
      syncer.removeOrphans(uids, listed);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Resync failed; trying again in " + config.resyncInterval()
          .toSeconds() + " s: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (this) {
      notifyAll();
    }
    scheduler.shutdownNow();
  }
}
