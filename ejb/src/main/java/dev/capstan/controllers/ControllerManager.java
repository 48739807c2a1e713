package dev.capstan.controllers;

import dev.capstan.allocation.PodCidrAllocator;
import dev.capstan.allocation.ServiceAllocator;
import dev.capstan.autoscaling.PodMetricsSource;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.leader.LeaderElection;
import dev.capstan.metrics.Metrics;
import dev.capstan.recording.EventRecorder;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.schema.SchemaMigration;
import dev.capstan.watch.Change;
import dev.capstan.watch.ChangeLog;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedExecutorDefinition;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the controllers, as kube-controller-manager does, on the server holding the
 * {@code kube-system/kube-controller-manager} Lease (several servers share one database; a
 * timer renews or tries to take the lease every second on each of them).
 *
 * <pre>
 *  commit (this server) ──CDI AFTER_SUCCESS──┐
 *  every 250 ms (other servers' writes) ─────┴─▶ pump: change log after "seen"
 *                                                   │ keysFor(change), per controller
 *                                                   ▼
 *  every 30 s and on taking the lease: allKeys ──▶ ControllerLoop (one per controller):
 *  every second: dueKeys ───────────────────────▶   WorkQueue ──▶ workers ──▶ reconcile(key)
 *                                                     ▲  failure: back-off 5 ms .. 1000 s
 *                                                     └──────────────┘
 * </pre>
 *
 * <p>A change is turned into keys within milliseconds of its commit (the pump runs on the
 * managed executor, woken by the commit observer), and each controller works through its own
 * queue on its own workers, so a slow controller delays only itself. The periodic resync of
 * every key is the safety net: nothing depends on having seen every change. Losing the lease,
 * or failing to renew it for {@link LeaderElection#RENEW_DEADLINE}, stops the workers before
 * they take another key and forgets the queues; taking it (back) resyncs everything. (The
 * tick's own work is quick, listing keys, so it renews the lease itself; the work happens on
 * the workers.)
 */
@Singleton
@Startup
@DependsOn("SchemaMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
@ManagedExecutorDefinition(name = ControllerManager.WORKERS, maxAsync = 6)
public class ControllerManager {

  public static final String LEASE = "kube-controller-manager";
  static final String WORKERS = "java:module/concurrent/ControllerWorkers";
  private static final Logger LOG = Logger.getLogger(ControllerManager.class.getName());
  private static final Duration RESYNC = Duration.ofSeconds(30);
  private static final long POLL_MILLIS = 250;
  private static final int CHANGES_PER_READ = 2000;

  @Inject
  private SchemaMigration schema;

  @Inject
  private LeaderElection election;

  @Inject
  private Metrics metrics;

  @Inject
  private ObjectStore store;

  @Inject
  private ChangeLog changeLog;

  @Inject
  private EventRecorder events;

  @Inject
  private ServiceAllocator allocator;

  @Inject
  private PodCidrAllocator podCidrs;

  @Inject
  private CommitSignal commits;

  @Inject
  private PodMetricsSource podMetrics;

  @Resource(lookup = WORKERS)
  private ManagedExecutorService workers;

  @Resource(lookup = "java:comp/DefaultManagedScheduledExecutorService")
  private ManagedScheduledExecutorService timers;

  private final Clock clock = Clock.systemUTC();
  private List<ControllerLoop> loops;
  private ScheduledFuture<?> poll;
  private final AtomicBoolean ticking = new AtomicBoolean();
  private final AtomicInteger pumpDemand = new AtomicInteger();
  private final AtomicLong seen = new AtomicLong(-1);
  private volatile boolean leading;
  private Instant lastResync = Instant.EPOCH;

  @PostConstruct
  void start() {
    List<Controller> controllers = List.of(
        new ReplicaController(ResourceTypes.REPLICATION_CONTROLLER, store, events),
        new ReplicaController(ResourceTypes.REPLICA_SET, store, events),
        new DeploymentController(store, events),
        new JobController(store, events),
        new EndpointsController(store),
        new ServiceAllocationRepair(store, allocator),
        new LoadBalancerController(store),
        new NodeIpamController(store, podCidrs, events),
        new DaemonSetController(store, events),
        new StatefulSetController(store, events),
        new CronJobController(store, events),
        new GarbageCollector(store),
        new NamespaceDeletion(store),
        new NodeLifecycleController(store, events),
        new DisruptionController(store),
        new HorizontalPodAutoscalerController(store, events, podMetrics, clock),
        new ResourceQuotaController(store),
        new ServiceAccountController(store),
        new ClusterRoleAggregationController(store),
        new PersistentVolumeController(store, events),
        new StorageProtectionController(store),
        new LocalPathProvisioner(store, events),
        new RootCaPublisher(store, RootCaPublisher::configuredRootCa));
    loops = controllers.stream()
        .map(controller -> new ControllerLoop(controller, clock, workers, timers, this::mayWork,
            controller.workers(), metrics.registry()))
        .toList();
    poll = timers.scheduleWithFixedDelay(this::wakeUp, POLL_MILLIS, POLL_MILLIS,
        TimeUnit.MILLISECONDS);
    // a commit on this server: turn it into keys now rather than at the next poll
    commits.listen(this::wakeUp);
  }

  @PreDestroy
  void stop() {
    commits.listen(() -> { });
    leading = false;
    poll.cancel(false);
    loops.forEach(ControllerLoop::clear);
  }

  /** Leader election, the resync and the keys due by time, every second. */
  @Schedule(hour = "*", minute = "*", second = "*", persistent = false)
  void tick() {
    if (!schema.isMigrated() || !ticking.compareAndSet(false, true)) {
      return;
    }
    try {
      Instant now = clock.instant();
      election.lead(LEASE);
      if (!election.holds(LEASE)) {
        if (leading) {
          leading = false;
          loops.forEach(ControllerLoop::clear);
          LOG.info(() -> LeaderElection.identity() + " no longer leads " + LEASE
              + ": controllers stopped");
        }
        return;
      }
      if (!leading) {
        // changes from here on reach the queues; everything before is covered by the resync
        seen.set(changeLog.newestRevision());
        leading = true;
        resync(now);
      } else if (now.isAfter(lastResync.plus(RESYNC))) {
        resync(now);
      }
      for (ControllerLoop loop : loops) {
        try {
          loop.add(loop.controller().dueKeys(now));
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, loop.controller().name() + " could not tell which keys are due",
              e);
        }
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Controller manager tick failed; it runs again in a second", e);
    } finally {
      ticking.set(false);
    }
  }

  private boolean mayWork() {
    return leading && election.holds(LEASE);
  }

  private void resync(Instant now) {
    lastResync = now;
    for (ControllerLoop loop : loops) {
      try {
        loop.addResync(loop.controller().allKeys());
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, loop.controller().name() + " could not list its keys; the next "
            + "resync tries again", e);
      }
    }
  }

  /**
   * Runs the pump unless it runs already; a wake-up that comes while it runs makes it read once
   * more, so no commit is left unread and at most one pump runs.
   */
  private void wakeUp() {
    if (!mayWork() || pumpDemand.getAndIncrement() > 0) {
      return;
    }
    try {
      workers.execute(this::pump);
    } catch (RejectedExecutionException e) {
      pumpDemand.set(0); // shutting down
    }
  }

  private void pump() {
    int demand;
    do {
      demand = pumpDemand.get();
      try {
        if (mayWork()) {
          readChanges();
        }
      } catch (RuntimeException e) {
        // the database may be down: the next wake-up or poll reads again from the same point
        LOG.log(Level.FINE, "Controllers could not read the change log", e);
      }
    } while (pumpDemand.addAndGet(-demand) > 0);
  }

  private void readChanges() {
    List<Change> changes;
    do {
      changes = changeLog.after(seen.get(), CHANGES_PER_READ);
      for (Change change : changes) {
        for (ControllerLoop loop : loops) {
          try {
            loop.add(loop.controller().keysFor(change));
          } catch (RuntimeException e) {
            LOG.log(Level.WARNING, loop.controller().name() + " could not tell which keys a "
                + "change concerns; the resync covers it", e);
          }
        }
        seen.accumulateAndGet(change.revision(), Math::max);
      }
    } while (changes.size() == CHANGES_PER_READ && mayWork());
  }
}
