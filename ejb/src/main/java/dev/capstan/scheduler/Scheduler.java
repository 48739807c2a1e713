package dev.capstan.scheduler;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.kinds.ResourceTypes;
import dev.capstan.leader.LeaderElection;
import dev.capstan.metrics.Metrics;
import dev.capstan.metrics.SchedulerMetrics;
import dev.capstan.nodes.NodeHealth;
import dev.capstan.recording.EventRecorder;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import dev.capstan.store.entity.StoredObject;
import dev.capstan.store.schema.SchemaMigration;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJBException;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The scheduler: binds pending pods ({@code spec.nodeName} empty, {@code schedulerName}
 * {@code default-scheduler}) to nodes, one decision per pod (see {@link Placement}). It runs
 * every second on every server, and works only on the one holding the {@code kube-scheduler}
 * lease. The lease is renewed on a timer of its own, never behind a scheduling cycle, and the
 * cycle checks before each pod that the lease is still held (see {@link LeaderElection}). A pod that fits nowhere stays Pending with PodScheduled False and a
 * {@code FailedScheduling} event saying why per node, and is tried again with a back-off of
 * 1 s doubling to 10 s (so changed nodes or pods are noticed soon).
 */
@Singleton
@Startup
@DependsOn("SchemaMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class Scheduler {

  public static final String LEASE = "kube-scheduler";
  static final String NAME = "default-scheduler";
  private static final Logger LOG = Logger.getLogger(Scheduler.class.getName());
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  @Inject
  private SchemaMigration schema;

  @Inject
  private ObjectStore store;

  @Inject
  private LeaderElection election;

  @Inject
  private EventRecorder events;

  @Inject
  private Metrics metrics;

  private SchedulerMetrics attempts;

  private final Clock clock = Clock.systemUTC();
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean renewing = new AtomicBoolean();
  private final SchedulingBackoff backoff = new SchedulingBackoff(Duration.ofSeconds(1),
      MAX_BACKOFF);

  /** Takes or renews the lease every second, however long a scheduling cycle runs. */
  @Schedule(hour = "*", minute = "*", second = "*", persistent = false)
  void renew() {
    if (!schema.isMigrated() || !renewing.compareAndSet(false, true)) {
      return;
    }
    try {
      election.lead(LEASE);
    } finally {
      renewing.set(false);
    }
  }

  @Schedule(hour = "*", minute = "*", second = "*", persistent = false)
  void tick() {
    if (!schema.isMigrated() || !running.compareAndSet(false, true)) {
      return;
    }
    try {
      if (election.holds(LEASE)) {
        scheduleOnce();
      } else {
        attempts.pending(0, 0, 0);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Scheduling cycle failed", e);
    } finally {
      running.set(false);
    }
  }

  /** One cycle: every pending pod whose back-off is over gets one decision. */
  void scheduleOnce() {
    Instant now = clock.instant();
    List<JsonObject> unbound = store.list(ResourceTypes.POD.all(Optional.empty(),
            "spec.nodeName=")).bodies().stream()
        .filter(pod -> NAME.equals(object(pod, "spec").getString("schedulerName", NAME)))
        .filter(pod -> !ObjectMetadata.isDeleting(pod))
        .toList();
    // pods deleted (or bound by someone else) while backing off are forgotten here
    backoff.retainOnly(unbound.stream().map(Scheduler::uid).toList());
    List<JsonObject> pending = unbound.stream()
        .filter(pod -> backoff.due(uid(pod), now))
        // as kube-scheduler's active queue before its unschedulable one: pods not yet found
        // unschedulable first, so a new leader facing many old pending pods binds new ones at once
        .sorted(Comparator.comparing((JsonObject pod) -> PodConditions.isUnschedulable(pod))
            .thenComparing(pod -> object(pod, "metadata").getString("creationTimestamp", "")))
        .toList();
    long unschedulable = unbound.stream().filter(pod -> !backoff.due(uid(pod), now))
        .filter(PodConditions::isUnschedulable).count();
    attempts.pending(pending.size(), unbound.size() - pending.size() - (int) unschedulable,
        (int) unschedulable);
    if (pending.isEmpty()) {
      return;
    }
    Map<String, NodeInfo> nodes = nodes(now);
    List<JsonObject> volumes = null;
    for (JsonObject pod : pending) {
      if (!election.holds(LEASE)) {
        return; // another server may be scheduling by now
      }
      long started = System.nanoTime();
      PodDemand demand = new PodDemand(pod);
      VolumeBinding.Claims claims = claimsOf(pod);
      if (claims.refusal().isPresent()) {
        unschedulable(pod, "0/" + nodes.size() + " nodes are available: "
            + claims.refusal().get() + ".", now);
        attempts.attempted(SchedulerMetrics.Result.UNSCHEDULABLE,
            Duration.ofNanos(System.nanoTime() - started));
        continue;
      }
      if (!claims.waiting().isEmpty() && volumes == null) {
        volumes = store.list(ResourceTypes.PERSISTENT_VOLUME.all(Optional.empty(), "")).bodies();
      }
      List<JsonObject> candidates = volumes == null ? List.of() : volumes;
      Placement.Decision decision = claims.any()
          ? Placement.place(demand, nodes.values(),
              node -> VolumeBinding.filter(claims, node.node, candidates))
          : Placement.place(demand, nodes.values());
      SchedulerMetrics.Result result;
      if (decision.node().isPresent()) {
        boolean volumesReady = claims.waiting().isEmpty()
            || bindVolumes(claims, decision.node().get(), candidates);
        if (!claims.waiting().isEmpty()) {
          // what was bound or is being provisioned is no longer free for the next pod
          volumes = null;
        }
        result = volumesReady && bind(pod, demand, decision.node().get(), now)
            ? SchedulerMetrics.Result.SCHEDULED : SchedulerMetrics.Result.ERROR;
        if (!volumesReady) {
          backoff.failed(uid(pod), now);
        }
      } else {
        unschedulable(pod, decision.reasons(), now);
        result = SchedulerMetrics.Result.UNSCHEDULABLE;
      }
      attempts.attempted(result, Duration.ofNanos(System.nanoTime() - started));
    }
  }

  private Map<String, NodeInfo> nodes(Instant now) {
    Map<String, Instant> leases = new HashMap<>();
    for (JsonObject lease : store.list(ResourceTypes.LEASE.all(
        Optional.of(NodeHealth.LEASE_NAMESPACE), "")).bodies()) {
      NodeHealth.renewTime(lease).ifPresent(renewed ->
          leases.put(object(lease, "metadata").getString("name", ""), renewed));
    }
    Duration grace = NodeHealth.gracePeriod();
    Map<String, NodeInfo> nodes = new HashMap<>();
    for (JsonObject node : store.list(ResourceTypes.NODE.all(Optional.empty(), "")).bodies()) {
      NodeInfo info = new NodeInfo(node, Optional.ofNullable(
          leases.get(object(node, "metadata").getString("name", ""))), now, grace);
      nodes.put(info.name, info);
    }
    for (JsonObject pod : store.list(ResourceTypes.POD.all(Optional.empty(), "spec.nodeName!="))
        .bodies()) {
      String phase = object(pod, "status").getString("phase", "");
      if (phase.equals("Succeeded") || phase.equals("Failed")) {
        continue;
      }
      NodeInfo node = nodes.get(object(pod, "spec").getString("nodeName", ""));
      if (node != null) {
        node.add(object(pod, "spec"), PodDemand.owner(pod));
      }
    }
    return nodes;
  }

  /** Every attempt series from the start, as Prometheus' rate() needs a zero before a one. */
  @PostConstruct
  void measure() {
    attempts = new SchedulerMetrics(metrics.registry(), NAME);
  }

  /** The pod's claims, each read once from the store. */
  private VolumeBinding.Claims claimsOf(JsonObject pod) {
    String namespace = object(pod, "metadata").getString("namespace", "");
    return VolumeBinding.of(pod,
        claim -> store.get(ResourceTypes.PERSISTENT_VOLUME_CLAIM.key(namespace, claim))
            .map(StoredObject::json),
        volume -> store.get(ResourceTypes.PERSISTENT_VOLUME.key("", volume))
            .map(StoredObject::json),
        className -> className.isEmpty() ? Optional.empty()
            : store.get(ResourceTypes.STORAGE_CLASS.key("", className)).map(StoredObject::json));
  }

  /**
   * Binds each claim waiting for its first consumer on the chosen node, as kube-scheduler's
   * PreBind does: a volume there that fits is given the claim ({@code claimRef}, with the
   * volume's resourceVersion, so two pods cannot take it; the PersistentVolume controller
   * completes the binding), else the claim is annotated with the node for its provisioner. The
   * pod is then bound at once, and its node's agent mounts the volume once the claim is Bound.
   */
  private boolean bindVolumes(VolumeBinding.Claims claims, NodeInfo node,
      List<JsonObject> volumes) {
    for (VolumeBinding.Binding binding : VolumeBinding.toBind(claims, node.node, volumes)) {
      JsonObject claimMeta = object(binding.claim(), "metadata");
      try {
        if (binding.volume().isPresent()) {
          JsonObject volumeMeta = object(binding.volume().get(), "metadata");
          store.update(ResourceTypes.PERSISTENT_VOLUME.key("", volumeMeta.getString("name", "")),
              "v1", new Preconditions(Optional.of(volumeMeta.getString("uid", "")),
                  ObjectMetadata.resourceVersion(binding.volume().get())),
              current -> dev.capstan.jsonp.Json.createObjectBuilder(current).add("spec",
                  dev.capstan.jsonp.Json.createObjectBuilder(object(current, "spec"))
                      .add("claimRef", dev.capstan.jsonp.Json.createObjectBuilder()
                          .add("kind", "PersistentVolumeClaim")
                          .add("namespace", claimMeta.getString("namespace", ""))
                          .add("name", claimMeta.getString("name", ""))
                          .add("uid", claimMeta.getString("uid", ""))
                          .add("apiVersion", "v1"))).build());
        } else {
          store.update(ResourceTypes.PERSISTENT_VOLUME_CLAIM.key(
                  claimMeta.getString("namespace", ""), claimMeta.getString("name", "")), "v1",
              new Preconditions(Optional.of(claimMeta.getString("uid", "")), Optional.empty()),
              current -> dev.capstan.jsonp.Json.createObjectBuilder(current).add("metadata",
                  dev.capstan.jsonp.Json.createObjectBuilder(object(current, "metadata"))
                      .add("annotations", dev.capstan.jsonp.Json.createObjectBuilder(
                          object(object(current, "metadata"), "annotations"))
                          .add(VolumeBinding.SELECTED_NODE, node.name))).build());
        }
      } catch (NotFoundException | ConflictException e) {
        LOG.fine(() -> "Claim " + claimMeta.getString("name", "") + " not bound on " + node.name
            + ": " + e.getMessage());
        return false;
      } catch (EJBException e) {
        LOG.log(Level.WARNING, "Binding the volume of claim " + claimMeta.getString("name", "")
            + " failed", e);
        return false;
      }
    }
    return true;
  }

  /** Binds the pod to the node; false when it could not (gone, changed, bound, failed). */
  private boolean bind(JsonObject pod, PodDemand demand, NodeInfo node, Instant now) {
    JsonObject metadata = object(pod, "metadata");
    String namespace = metadata.getString("namespace", "");
    String name = metadata.getString("name", "");
    try {
      StoredObject bound = Bindings.bind(store, namespace, name, node.name,
          new Preconditions(Optional.of(metadata.getString("uid", "")), Optional.empty()), now);
      node.add(demand.spec, demand.owner);
      backoff.forget(uid(pod));
      events.normal(bound.json(), NAME, "Scheduled", "Successfully assigned " + namespace + "/"
          + name + " to " + node.name);
      return true;
    } catch (NotFoundException | ConflictException | Bindings.AlreadyBound e) {
      LOG.fine(() -> "Pod " + namespace + "/" + name + " not bound: " + e.getMessage());
    } catch (EJBException e) {
      LOG.log(Level.WARNING, "Binding " + namespace + "/" + name + " failed", e);
    }
    return false;
  }

  private void unschedulable(JsonObject pod, String reasons, Instant now) {
    String uid = uid(pod);
    backoff.failed(uid, now);
    JsonObject metadata = object(pod, "metadata");
    String namespace = metadata.getString("namespace", "");
    String name = metadata.getString("name", "");
    if (PodConditions.unschedulable(pod, reasons, now) != pod) {
      try {
        store.update(ResourceTypes.POD.key(namespace, name), "v1",
            new Preconditions(Optional.of(uid), Optional.empty()),
            current -> PodConditions.unschedulable(current, reasons, now));
      } catch (NotFoundException | ConflictException e) {
        // deleted, or replaced by a pod of the same name: nothing left to schedule or tell
        backoff.forget(uid);
        return;
      } catch (EJBException e) {
        // the condition could not be written (the database?); the pod is still unschedulable,
        // which the event says, and the next try after the back-off writes the condition
        LOG.log(Level.WARNING, "Recording that " + namespace + "/" + name
            + " is unschedulable failed", e);
      }
    }
    events.warning(pod, NAME, "FailedScheduling", reasons);
  }

  private static String uid(JsonObject pod) {
    return object(pod, "metadata").getString("uid", "");
  }
}
