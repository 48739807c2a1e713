package dev.capstan.agent.pods;

import dev.capstan.agent.AgentConfig;
import dev.capstan.agent.events.PodEvents;
import dev.capstan.agent.lifecycle.LifecycleHooks;
import dev.capstan.agent.probes.ContainerProbes;
import dev.capstan.agent.runtime.ContainerInfo;
import dev.capstan.agent.runtime.ContainerRuntime;
import dev.capstan.agent.runtime.ContainerSummary;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Brings one pod's containers on this node to what its spec asks, and reports what happened:
 * the kubelet's {@code syncPod} for a single pod, run by {@link PodWorkers}, which never runs
 * two syncs of one pod at once. Level-triggered and idempotent: it looks at the pod in the API
 * and at the runtime's containers every time, whatever woke it. It never waits: each call does
 * what is due now, by phase, and returns when it wants to look again.
 *
 * <ul>
 *   <li>Containers of another uid under this name, or of a pod gone from the API or from this
 *       node: terminated ({@link PodTermination}).
 *   <li>A pod being deleted: terminated within its grace period, then deleted for good.
 *   <li>Otherwise: a running sandbox ({@link PodSandboxes}), its volumes, its init containers
 *       and containers ({@link ContainerStarts}), its probes, and its status
 *       ({@link PodStatusReport}).
 * </ul>
 */
public final class PodSyncer {

  private static final Logger LOG = Logger.getLogger(PodSyncer.class.getName());
  /**
   * The grace period of containers whose pod the API no longer has (force-deleted, or deleted
   * while the agent was away): the kubelet kills such orphans with 1 s.
   */
  private static final long ORPHAN_GRACE_SECONDS = 1;

  private final AgentConfig config;
  private final ContainerRuntime runtime;
  private final PodApi api;
  private final PodVolumes volumes;
  private final RestartBackoff backoff;
  private final ContainerProbes probes;
  private final ContainerStops stops;
  private final ImagePuller images;
  private final PodSandboxes sandboxes;
  private final ContainerStarts starts;
  private final PodTermination termination;
  private final PodStatusReport status;
  private final PodEvents events;
  private final EphemeralContainers ephemeral;
  private final Clock clock;
  /** The grace period of pods being evicted, by uid, until their containers stopped. */
  private final Map<String, Long> evictionGrace = new java.util.concurrent.ConcurrentHashMap<>();
  /** Terminal pods whose resources were let go (a bounded memory of uids). */
  private final Set<String> forgotten = java.util.Collections.synchronizedSet(
      java.util.Collections.newSetFromMap(new java.util.LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > 4096;
        }
      }));

  /**
   * @param networking the pods' network and cluster DNS server, settled after registration
   */
  public PodSyncer(AgentConfig config, KubernetesClient api, ContainerRuntime runtime,
      Path agentDir, PodEvents events, ContainerProbes probes, LifecycleHooks hooks, Clock clock,
      PodNetworking networking) {
    this(config, new KubernetesPodApi(api, config.apiServer()), new EnvResolver(api), runtime,
        agentDir, events, probes, hooks, clock, networking);
  }

  PodSyncer(AgentConfig config, PodApi api, EnvResolver env, ContainerRuntime runtime,
      Path agentDir, PodEvents events, ContainerProbes probes, LifecycleHooks hooks, Clock clock,
      PodNetworking networking) {
    this.config = config;
    this.runtime = runtime;
    this.api = api;
    this.volumes = new PodVolumes(agentDir, env);
    this.backoff = new RestartBackoff(clock);
    this.probes = probes;
    this.events = events;
    this.clock = clock;
    this.stops = new ContainerStops(runtime, hooks, events, clock);
    this.images = new ImagePuller(runtime, events, clock);
    this.sandboxes = new PodSandboxes(runtime, images, stops, config.sandboxImage(), networking,
        clock);
    this.starts = new ContainerStarts(runtime, images, stops, hooks, backoff, env::resolve, events,
        config.nodeIp(), clock);
    this.termination = new PodTermination(runtime, stops, events, this::forget);
    this.ephemeral = new EphemeralContainers(config, runtime, images, env, events);
    this.status = new PodStatusReport(runtime, api, config.nodeIp(), clock, ephemeral::statuses);
  }

  /**
   * Syncs the pod {@code namespace/name}.
   *
   * @param wake asks for this pod to be synced again (a pull or hook ended)
   * @return when it wants to be looked at again, if sooner than the resync
   */
  public Optional<Instant> sync(String namespace, String name, Runnable wake) {
    Pod pod = api.get(namespace, name).orElse(null);
    Map<String, RuntimePod> running = RuntimePod.group(runtime.list(Map.of(
        PodLabels.NODE, config.nodeName(), PodLabels.POD_NAMESPACE, namespace,
        PodLabels.POD_NAME, name)));
    boolean ours = pod != null && config.nodeName().equals(pod.getSpec().getNodeName());
    Optional<Instant> wakeUp = Optional.empty();
    for (RuntimePod stale : running.values()) {
      if (!ours || !stale.uid().equals(pod.getMetadata().getUid())) {
        wakeUp = earliest(wakeUp, termination.terminate(null, stale, ORPHAN_GRACE_SECONDS,
            wake));
      }
    }
    if (!ours) {
      return wakeUp;
    }
    RuntimePod current = running.get(pod.getMetadata().getUid());
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      long grace = Optional.ofNullable(pod.getMetadata().getDeletionGracePeriodSeconds())
          .orElse(gracePeriod(pod));
      Optional<Instant> terminating = termination.terminate(pod, current, grace, wake);
      if (terminating.isPresent()) {
        return earliest(wakeUp, terminating);
      }
      if (current == null) {
        forget(pod.getMetadata().getUid());
      }
      api.deleteForGood(pod);
      return wakeUp;
    }
    if (isTerminal(pod)) {
      return earliest(wakeUp, finish(pod, current, wake));
    }
    return earliest(wakeUp, run(pod, current, wake));
  }

  private Optional<Instant> run(Pod pod, RuntimePod current, Runnable wake) {
    String uid = pod.getMetadata().getUid();
    Map<String, String> podLabels = PodLabels.ofPod(config.nodeName(), pod, gracePeriod(pod));
    PodSandboxes.Result sandbox = sandboxes.ensure(pod, current, podLabels, wake);
    if (sandbox.sandbox().isEmpty()) {
      Map<String, PodStatuses.Waiting> waiting = new HashMap<>();
      for (Container container : pod.getSpec().getContainers()) {
        waiting.put(container.getName(), new PodStatuses.Waiting("ContainerCreating",
            sandbox.problem()));
      }
      status.report(pod, Optional.empty(), current, waiting, probeResults());
      return sandbox.retryAt();
    }
    String podIp = sandbox.sandbox().get().ip().orElse(null);
    Map<String, PodVolumes.HostVolume> hostVolumes;
    try {
      hostVolumes = volumes.prepare(pod);
    } catch (EnvResolver.ConfigError e) {
      Map<String, PodStatuses.Waiting> waiting = new HashMap<>();
      for (Container container : pod.getSpec().getContainers()) {
        waiting.put(container.getName(),
            new PodStatuses.Waiting("CreateContainerConfigError", e.getMessage()));
        events.warning(pod, container.getName(), "Failed", "Error: " + e.getMessage());
      }
      status.report(pod, sandbox.sandbox(), current, waiting, probeResults());
      return Optional.of(clock.instant().plusSeconds(10));
    }
    ContainerStarts.Result started = starts.run(pod, current, new ContainerStarts.Sandbox(
        sandbox.sandbox().get().id(), podIp, podLabels, hostVolumes), wake);
    RuntimePod now = RuntimePod.group(runtime.list(Map.of(PodLabels.NODE, config.nodeName(),
        PodLabels.POD_UID, uid))).get(uid);
    if (!started.initializing()) {
      ephemeral.start(pod, now, sandbox.sandbox().get().id(), podIp, podLabels, hostVolumes,
          wake);
    }
    Set<String> runningIds = new HashSet<>();
    if (now != null && !started.initializing()) {
      for (Container container : pod.getSpec().getContainers()) {
        now.attempts(container.getName()).stream().findFirst()
            .filter(ContainerSummary::running)
            .filter(instance -> !stops.stopping(instance.id()))
            .ifPresent(instance -> {
              runningIds.add(instance.id());
              probes.ensure(pod, container, instance.id(), podIp);
            });
      }
    }
    probes.retainOnly(uid, runningIds);
    status.report(pod, sandbox.sandbox(), now, started.waiting(), probeResults());
    // a projected token's refresh is a wake-up like any other
    return earliest(started.wakeUp(), volumes.nextRefresh(uid));
  }

  /**
   * A terminal pod (Failed or Succeeded: its containers exited, or it was evicted): containers
   * still running are stopped within the grace period (an eviction's, else the pod's), then its
   * sandbox is killed, its volumes torn down and the containers' final states reported under
   * the phase it has; the exited containers stay for their logs until the pod is deleted, as
   * the kubelet keeps them.
   */
  private Optional<Instant> finish(Pod pod, RuntimePod current, Runnable wake) {
    String uid = pod.getMetadata().getUid();
    if (current == null) {
      forget(uid);
      return Optional.empty();
    }
    long grace = Optional.ofNullable(evictionGrace.get(uid)).orElse(gracePeriod(pod));
    String podIp = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    Optional<Instant> again = Optional.empty();
    for (Container spec : pod.getSpec().getContainers()) {
      for (ContainerSummary container : current.attempts(spec.getName())) {
        if (!container.running()) {
          continue;
        }
        if (stops.request(container.id(), pod, spec, podIp, grace)) {
          events.normal(pod, spec.getName(), "Killing", "Stopping container "
              + spec.getName());
        }
        again = earliest(again, runtime.inspect(container.id())
            .flatMap(info -> stops.advance(info, wake)));
      }
    }
    if (again.isPresent()) {
      return again;
    }
    boolean sandboxRunning = current.sandboxes().stream().anyMatch(ContainerSummary::running);
    current.sandboxes().stream().filter(ContainerSummary::running)
        .forEach(sandbox -> runtime.signal(sandbox.id(), "SIGKILL"));
    if (!forgotten.contains(uid) || sandboxRunning) {
      forget(uid);
      forgotten.add(uid);
      evictionGrace.remove(uid);
      RuntimePod now = RuntimePod.group(runtime.list(Map.of(PodLabels.NODE, config.nodeName(),
          PodLabels.POD_UID, uid))).get(uid);
      status.report(pod, Optional.empty(), now, Map.of(), probeResults());
    }
    return Optional.empty();
  }

  /**
   * Evicts a pod, as the kubelet's eviction manager has its pod worker kill one: a Warning
   * event {@code Evicted} with the message, the status phase Failed with reason
   * {@code Evicted}, the message and a {@code DisruptionTarget} condition (reason
   * {@code TerminationByKubelet}), and the pod's containers then stopped by its syncs within
   * {@code graceSeconds}.
   *
   * @return whether the status was written (false: the pod changed or went meanwhile)
   */
  public boolean evict(Pod pod, long graceSeconds, String message) {
    Pod fresh = api.get(pod.getMetadata().getNamespace(), pod.getMetadata().getName())
        .filter(p -> p.getMetadata().getUid().equals(pod.getMetadata().getUid()))
        .orElse(null);
    if (fresh == null || isTerminal(fresh)) {
      return false;
    }
    evictionGrace.put(fresh.getMetadata().getUid(), graceSeconds);
    events.warning(fresh, null, "Evicted", message);
    PodStatus status = fresh.getStatus() == null ? new PodStatus()
        : new PodStatusBuilder(fresh.getStatus()).build();
    status.setPhase("Failed");
    status.setReason("Evicted");
    status.setMessage(message);
    PodStatuses.setCondition(status, "DisruptionTarget", "True", "TerminationByKubelet",
        message, clock.instant());
    api.writeStatus(fresh, status);
    return true;
  }

  /**
   * Whether nothing of the pod holds resources here any more: no container of it runs and its
   * volumes are gone.
   */
  public boolean cleanedUp(String uid) {
    boolean running = runtime.list(Map.of(PodLabels.NODE, config.nodeName(),
        PodLabels.POD_UID, uid)).stream().anyMatch(ContainerSummary::running);
    return !running && !java.nio.file.Files.exists(volumes.podDir(uid));
  }

  /**
   * Asks for a container to be stopped and restarted (a failed liveness or startup probe): the
   * pod's next sync stops it without waiting, and restarts it as its restart policy says.
   */
  public void kill(Pod pod, Container container, String containerId, String podIp,
      long graceSeconds, String reason) {
    events.normal(pod, container.getName(), "Killing", reason);
    stops.request(containerId, pod, container, podIp, graceSeconds);
  }

  /**
   * The pods ({@code namespace/name}) whose containers this node runs but should not: those not
   * among the pods listed at {@code listedAt} (containers made after that are left for the next
   * resync). Their sync terminates them.
   */
  public Set<String> orphans(Set<String> wantedUids, Instant listedAt) {
    List<ContainerSummary> old = runtime.list(PodLabels.ofNode(config.nodeName())).stream()
        .filter(c -> c.createdEpochSeconds() < listedAt.getEpochSecond() - 1)
        .toList();
    Set<String> keys = new HashSet<>();
    for (RuntimePod pod : RuntimePod.group(old).values()) {
      if (!wantedUids.contains(pod.uid())) {
        LOG.fine(() -> "Containers of pod " + pod.namespace() + "/" + pod.name() + " ("
            + pod.uid() + ") are orphans");
        keys.add(pod.namespace() + "/" + pod.name());
      }
    }
    return keys;
  }

  private PodStatuses.ProbeResults probeResults() {
    return new PodStatuses.ProbeResults() {
      @Override
      public Optional<Boolean> ready(String containerId) {
        // not ready while its postStart hook runs, nor once it is being stopped
        if (starts.postStartPending(containerId) || stops.stopping(containerId)) {
          return Optional.of(false);
        }
        return probes.ready(containerId);
      }

      @Override
      public Optional<Boolean> started(String containerId) {
        return probes.started(containerId);
      }
    };
  }

  /** Drops everything kept about a pod whose containers are gone. */
  private void forget(String uid) {
    probes.retainOnly(uid, Set.of());
    volumes.remove(uid);
    backoff.forget(uid + "/");
    images.forget(uid + "/");
    starts.forget(uid);
  }

  private static boolean isTerminal(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  static long gracePeriod(Pod pod) {
    Long grace = pod.getSpec().getTerminationGracePeriodSeconds();
    return grace == null ? 30 : grace;
  }

  static Optional<Instant> earliest(Optional<Instant> current, Optional<Instant> candidate) {
    if (candidate.isEmpty()) {
      return current;
    }
    return current.isPresent() && current.get().isBefore(candidate.get()) ? current : candidate;
  }

  static String name(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }
}
