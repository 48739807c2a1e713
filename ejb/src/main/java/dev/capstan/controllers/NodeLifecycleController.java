package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.admission.GracefulDeletion;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.nodes.NodeConditions;
import dev.capstan.nodes.NodeHealth;
import dev.capstan.nodes.NodeTaints;
import dev.capstan.nodes.PodReadiness;
import dev.capstan.nodes.TaintEviction;
import dev.capstan.recording.EventRecorder;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import dev.capstan.store.entity.StoredObject;
import dev.capstan.watch.Change;
import jakarta.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * The node lifecycle controller, keyed by node name, shaped like Kubernetes' (with its taint
 * eviction and pod garbage collection parts):
 * <ul>
 * <li>a node whose agent was not heard from within the monitor grace period
 * ({@link NodeHealth}) gets its conditions set to Unknown ({@code NodeStatusUnknown});
 * <li>while it is not Ready, the Ready condition of its pods is False ({@link PodReadiness});
 * <li>its taints follow its Ready condition ({@link NodeTaints}: unreachable, not-ready,
 * unschedulable); the agent writes its own conditions when it is back, and the taints go;
 * <li>pods on a node with NoExecute taints they do not tolerate (or no longer, after their
 * {@code tolerationSeconds}) are deleted ({@link TaintEviction}), with a
 * {@code TaintManagerEviction} event, so their controllers make new ones elsewhere;
 * <li>pods that can never finish a graceful deletion are deleted for good, as Kubernetes' pod
 * garbage collector does: those bound to a node that no longer exists (once older than the
 * grace period, so a node still registering is not mistaken for a gone one), and terminating
 * pods on a node tainted {@code node.kubernetes.io/out-of-service}.
 * </ul>
 * A node is never judged silent for heartbeats this controller could not have seen: after it
 * takes the lead, or after the store was down, every node gets a full grace period again.
 * Every step reads the current objects and writes only what differs, so running it again
 * changes nothing. The leader's controller manager runs it; it is asked every tick about the
 * nodes whose state is due to change by time alone, and a node whose pods' tolerations run out
 * later is queued again for that moment.
 */
final class NodeLifecycleController implements Controller {

  private static final Logger LOG = Logger.getLogger(NodeLifecycleController.class.getName());
  private static final String COMPONENT = "node-controller";

  private final ObjectStore store;
  private final EventRecorder events;
  private static final Duration WATCH_GAP = Duration.ofSeconds(5);

  private final Clock clock = Clock.systemUTC();
  private Requeue requeue = (key, when) -> { };
  private volatile Instant lastWatched = Instant.EPOCH;
  private volatile Instant watchingSince = Instant.EPOCH;

  NodeLifecycleController(ObjectStore store, EventRecorder events) {
    this.store = store;
    this.events = events;
  }

  @Override
  public String name() {
    return "node lifecycle controller";
  }

  @Override
  public Set<String> keysFor(Change change) {
    String kind = change.key().kind();
    String group = change.key().apiGroup();
    if (group.isEmpty() && kind.equals("Node")) {
      return Set.of(change.key().name());
    }
    if (group.equals(ResourceTypes.LEASE.group()) && kind.equals("Lease")
        && change.key().namespace().equals(NodeHealth.LEASE_NAMESPACE)) {
      return Set.of(change.key().name());
    }
    if (group.isEmpty() && kind.equals("Pod")) {
      String node = object(change.object(), "spec").getString("nodeName", "");
      return node.isEmpty() ? Set.of() : Set.of(node);
    }
    return Set.of();
  }

  @Override
  public void requeueWith(Requeue requeue) {
    this.requeue = requeue;
  }

  @Override
  public Collection<String> allKeys() {
    watch(clock.instant());
    Set<String> keys = new LinkedHashSet<>();
    store.list(ResourceTypes.NODE.all(Optional.empty(), "")).bodies()
        .forEach(node -> keys.add(object(node, "metadata").getString("name", "")));
    store.list(ResourceTypes.POD.all(Optional.empty(), "spec.nodeName!=")).bodies()
        .forEach(pod -> keys.add(object(pod, "spec").getString("nodeName", "")));
    return keys;
  }

  /**
   * Nodes gone silent but not yet marked Unknown, or whose taints are out of date: one list of
   * nodes and leases per tick. A node's pods whose tolerations of its NoExecute taints run out
   * later are not looked at every tick: the reconcile that saw them asks for the node again at
   * the earliest of their deadlines, as Kubernetes' taint eviction controller queues them.
   */
  @Override
  public Collection<String> dueKeys(Instant now) {
    watch(now);
    Map<String, Instant> leases = leases();
    Duration grace = NodeHealth.gracePeriod();
    Set<String> due = new LinkedHashSet<>();
    for (JsonObject node : store.list(ResourceTypes.NODE.all(Optional.empty(), "")).bodies()) {
      String name = object(node, "metadata").getString("name", "");
      boolean silent = !NodeHealth.heard(node, signOfLife(Optional.ofNullable(leases.get(name))),
          now, grace);
      if ((silent && !"Unknown".equals(NodeHealth.readyStatus(node)))
          || !NodeTaints.upToDate(node, now)) {
        due.add(name);
      }
    }
    return due;
  }

  /** Notes that the controller runs now, starting a new watch after a gap in its ticks. */
  private void watch(Instant now) {
    if (lastWatched.plus(WATCH_GAP).isBefore(now)) {
      // not leading, or the store was down: nodes could not be heard meanwhile
      watchingSince = now;
    }
    lastWatched = now;
  }

  /**
   * The lease's renewal, or when this controller started watching if later: as Kubernetes'
   * controller counts from when it observed a node, a node is not judged silent for heartbeats
   * it could not have seen (before this server took the lead, or while the store was down).
   */
  private Optional<Instant> signOfLife(Optional<Instant> leaseRenewed) {
    return Optional.of(leaseRenewed.filter(renewed -> renewed.isAfter(watchingSince))
        .orElse(watchingSince));
  }

  @Override
  public void reconcile(String name) {
    Instant now = clock.instant();
    watch(now);
    Optional<StoredObject> stored = store.get(ResourceTypes.NODE.key("", name));
    if (stored.isEmpty()) {
      collectPodsOfGoneNode(name, now);
      return;
    }
    JsonObject node = stored.get().json();
    Optional<Instant> lease = signOfLife(store.get(ResourceTypes.LEASE.key(
        NodeHealth.LEASE_NAMESPACE, name)).flatMap(l -> NodeHealth.renewTime(l.json())));
    Duration grace = NodeHealth.gracePeriod();
    if (!NodeHealth.heard(node, lease, now, grace)
        && NodeConditions.unknown(node, now) != node) {
      node = update(name, current -> NodeHealth.heard(current, lease, now, grace)
          ? current : NodeConditions.unknown(current, now)).orElse(node);
      if ("Unknown".equals(NodeHealth.readyStatus(node))) {
        events.normal(node, COMPONENT, "NodeNotReady",
            "Node " + name + " status is now: NodeNotReady");
      }
    }
    if (!NodeTaints.upToDate(node, now)) {
      node = update(name, current -> NodeTaints.withTaints(current,
          NodeTaints.desired(current, now))).orElse(node);
    }
    if (Set.of("Unknown", "False").contains(NodeHealth.readyStatus(node))) {
      markPodsNotReady(name, now);
    }
    evict(node, now);
  }

  private void markPodsNotReady(String node, Instant now) {
    for (JsonObject pod : podsOn(node)) {
      if (!PodReadiness.ready(pod) || ObjectMetadata.isDeleting(pod)) {
        continue;
      }
      JsonObject metadata = object(pod, "metadata");
      try {
        store.update(ResourceTypes.POD.key(metadata.getString("namespace", ""),
                metadata.getString("name", "")), "v1",
            new Preconditions(Optional.of(metadata.getString("uid", "")), Optional.empty()),
            current -> PodReadiness.notReady(current, now));
        events.warning(pod, COMPONENT, "NodeNotReady", "Node is not ready");
      } catch (NotFoundException | ConflictException e) {
        // gone or replaced meanwhile
      }
    }
  }

  /**
   * Deletes the pods the node's NoExecute taints no longer let stay, and asks for the node again
   * when the next of the others' tolerations runs out.
   */
  private void evict(JsonObject node, Instant now) {
    List<JsonObject> noExecute = NodeTaints.noExecute(node);
    if (noExecute.isEmpty()) {
      return;
    }
    String name = object(node, "metadata").getString("name", "");
    boolean outOfService = NodeTaints.has(node, NodeTaints.OUT_OF_SERVICE);
    Optional<Instant> next = Optional.empty();
    for (JsonObject pod : podsOn(name)) {
      if (ObjectMetadata.isDeleting(pod)) {
        if (outOfService) {
          forceDelete(pod, "node " + name + " is out of service");
        }
        continue;
      }
      Optional<Instant> deadline = TaintEviction.deadline(pod, noExecute);
      if (deadline.isEmpty()) {
        continue;
      }
      if (deadline.get().isAfter(now)) {
        if (next.isEmpty() || deadline.get().isBefore(next.get())) {
          next = deadline;
        }
      } else if (OwnedPods.delete(store, pod)) {
        JsonObject metadata = object(pod, "metadata");
        events.normal(pod, "taint-eviction-controller", "TaintManagerEviction",
            "Marking for deletion Pod " + metadata.getString("namespace", "") + "/"
                + metadata.getString("name", ""));
      }
    }
    next.ifPresent(when -> requeue.after(name, when));
  }

  /** Pods bound to a node that is gone: nothing will ever run or stop them. */
  private void collectPodsOfGoneNode(String name, Instant now) {
    Instant bornBefore = now.minus(NodeHealth.gracePeriod());
    for (JsonObject pod : podsOn(name)) {
      Optional<Instant> created = Optional.of(object(pod, "metadata")
              .getString("creationTimestamp", ""))
          .filter(t -> !t.isEmpty()).map(Instant::parse);
      if (created.isPresent() && created.get().isBefore(bornBefore)) {
        forceDelete(pod, "node " + name + " no longer exists");
      }
    }
  }

  private void forceDelete(JsonObject pod, String why) {
    JsonObject metadata = object(pod, "metadata");
    try {
      store.delete(ResourceTypes.POD.key(metadata.getString("namespace", ""),
              metadata.getString("name", "")), "v1",
          new Preconditions(Optional.of(metadata.getString("uid", "")), Optional.empty()),
          current -> 0);
      LOG.info(() -> "Deleted pod " + metadata.getString("namespace", "") + "/"
          + metadata.getString("name", "") + " for good: " + why);
    } catch (NotFoundException | ConflictException e) {
      // gone already
    }
  }

  private List<JsonObject> podsOn(String node) {
    return store.list(ResourceTypes.POD.all(Optional.empty(), "spec.nodeName=" + node)).bodies();
  }

  private Optional<JsonObject> update(String name, UnaryOperator<JsonObject> mutation) {
    try {
      return Optional.of(store.update(ResourceTypes.NODE.key("", name), "v1", Preconditions.NONE,
          mutation).json());
    } catch (NotFoundException | ConflictException e) {
      return Optional.empty();
    }
  }

  private Map<String, Instant> leases() {
    Map<String, Instant> leases = new HashMap<>();
    for (JsonObject lease : store.list(ResourceTypes.LEASE.all(
        Optional.of(NodeHealth.LEASE_NAMESPACE), "")).bodies()) {
      NodeHealth.renewTime(lease).ifPresent(renewed ->
          leases.put(object(lease, "metadata").getString("name", ""), renewed));
    }
    return leases;
  }
}
