package dev.capstan.controllers;

import dev.capstan.allocation.PodCidrAllocator;
import dev.capstan.allocation.ServiceAllocator;
import dev.capstan.leader.LeaderElection;
import dev.capstan.recording.EventRecorder;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.schema.SchemaMigration;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.watch.Change;
import dev.capstan.watch.ChangeLog;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the controllers, as kube-controller-manager does: on every server a timer ticks every
 * second, and the server holding the {@code kube-system/kube-controller-manager} Lease works.
 * Each tick reads the change log from where the last one stopped and reconciles the keys the
 * changes concern, and those the controllers say are due by time; every 30 s (and on taking the
 * lead) every key is reconciled, so nothing depends on having seen every change.
 */
@Singleton
@Startup
@DependsOn("SchemaMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ControllerManager {

  public static final String LEASE = "kube-controller-manager";
  private static final Logger LOG = Logger.getLogger(ControllerManager.class.getName());
  private static final Duration RESYNC = Duration.ofSeconds(30);
  private static final int CHANGES_PER_TICK = 2000;
  private static final long SLOW_MILLIS = 2000;

  @Inject
  private SchemaMigration schema;

  @Inject
  private LeaderElection election;

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

  private List<Controller> controllers;
  private final AtomicBoolean running = new AtomicBoolean();
  private long seen = -1;
  private Instant lastResync = Instant.EPOCH;

  @PostConstruct
  void createControllers() {
    controllers = List.of(
        new ReplicaController(ResourceTypes.REPLICATION_CONTROLLER, store, events),
        new ReplicaController(ResourceTypes.REPLICA_SET, store, events),
        new DeploymentController(store, events),
        new JobController(store, events),
        new EndpointsController(store),
        new ServiceAllocationRepair(store, allocator),
        new LoadBalancerController(store),
        new NodeIpamController(store, podCidrs, events),
        new DaemonSetController(store, events),
        new CronJobController(store, events),
        new GarbageCollector(store),
        new NamespaceDeletion(store),
        new NodeLifecycleController(store, events),
        new DisruptionController(store),
        new ResourceQuotaController(store),
        new ServiceAccountController(store));
  }

  @Schedule(hour = "*", minute = "*", second = "*", persistent = false)
  void tick() {
    if (!schema.isMigrated() || !running.compareAndSet(false, true)) {
      return;
    }
    try {
      if (!election.lead(LEASE)) {
        seen = -1;
        return;
      }
      Map<Controller, Set<String>> work = new LinkedHashMap<>();
      Instant now = Instant.now();
      if (seen < 0 || now.isAfter(lastResync.plus(RESYNC))) {
        seen = changeLog.newestRevision();
        lastResync = now;
        for (Controller controller : controllers) {
          work.put(controller, new LinkedHashSet<>(controller.allKeys()));
        }
      } else {
        List<Change> changes = changeLog.after(seen, CHANGES_PER_TICK);
        for (Change change : changes) {
          seen = Math.max(seen, change.revision());
          for (Controller controller : controllers) {
            work.computeIfAbsent(controller, c -> new LinkedHashSet<>())
                .addAll(controller.keysFor(change));
          }
        }
        for (Controller controller : controllers) {
          try {
            work.computeIfAbsent(controller, c -> new LinkedHashSet<>())
                .addAll(controller.dueKeys(now));
          } catch (RuntimeException e) {
            LOG.log(Level.WARNING, controller.name() + " could not tell which keys are due", e);
          }
        }
      }
      work.forEach((controller, keys) -> {
        long started = System.nanoTime();
        keys.forEach(key -> {
          try {
            controller.reconcile(key);
          } catch (RuntimeException e) {
            LOG.log(Level.WARNING, controller.name() + " could not reconcile " + key
                + "; the next resync tries again", e);
          }
        });
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (millis > SLOW_MILLIS) {
          LOG.info(() -> controller.name() + " took " + millis + " ms for " + keys.size()
              + " keys");
        }
      });
    } finally {
      running.set(false);
    }
  }
}
