package dev.capstan.agent.pods;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import dev.capstan.agent.AgentConfig;
import dev.capstan.agent.dns.ClusterDns;
import dev.capstan.agent.events.EventRecorder;
import dev.capstan.agent.lifecycle.LifecycleHooks;
import dev.capstan.agent.probes.ContainerProbes;
import dev.capstan.agent.runtime.DockerRuntime;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Brings one pod's containers on this node to what its spec asks, and reports what happened:
 * the kubelet's sync loop for a single pod. Level-triggered and idempotent: it looks at the pod
 * in the API and at Docker's containers every time, whatever woke it, so running it again (or
 * twice) changes nothing that is already right.
 *
 * <ul>
 *   <li>No pod in the API (or another uid under the name): its containers are stopped and
 *       removed, with its volumes.
 *   <li>A pod being deleted: its containers get SIGTERM and, after the grace period, SIGKILL;
 *       then the pod object is deleted for good.
 *   <li>Otherwise: a running sandbox, then each container started, or restarted after it exited
 *       as the restart policy says, with exponential back-off; then the status is written if it
 *       changed.
 * </ul>
 */
public final class PodSyncer {

  private static final Logger LOG = Logger.getLogger(PodSyncer.class.getName());
  private static final Duration PULL_TIMEOUT = Duration.ofMinutes(5);

  private final AgentConfig config;
  private final KubernetesClient api;
  private final DockerRuntime docker;
  private final PodVolumes volumes;
  private final EnvResolver env;
  private final RestartBackoff backoff;
  private final EventRecorder events;
  private final ContainerProbes probes;
  private final LifecycleHooks hooks;
  private final Clock clock;
  private final PodNetworking networking;
  private final EphemeralContainers ephemeral;

  /**
   * @param networking the pods' network and cluster DNS server, settled after registration
   */
  public PodSyncer(AgentConfig config, KubernetesClient api, DockerRuntime docker,
      java.nio.file.Path agentDir, EventRecorder events, ContainerProbes probes,
      LifecycleHooks hooks, Clock clock, PodNetworking networking) {
    this.networking = networking;
    this.config = config;
    this.api = api;
    this.docker = docker;
    this.env = new EnvResolver(api);
    this.volumes = new PodVolumes(agentDir, env);
    this.backoff = new RestartBackoff(clock);
    this.events = events;
    this.probes = probes;
    this.hooks = hooks;
    this.clock = clock;
    this.ephemeral = new EphemeralContainers(config, docker, env, events);
  }

  /**
   * Syncs the pod {@code namespace/name}.
   *
   * @return when it wants to be looked at again (a back-off ending), if sooner than the resync
   */
  public Optional<Instant> sync(String namespace, String name) throws InterruptedException {
    Pod pod = api.pods().inNamespace(namespace).withName(name).get();
    Map<String, RuntimePod> runtime = RuntimePod.group(docker.containers(Map.of(
        PodLabels.NODE, config.nodeName(), PodLabels.POD_NAMESPACE, namespace,
        PodLabels.POD_NAME, name)));
    for (RuntimePod stale : runtime.values()) {
      if (pod == null || !stale.uid().equals(pod.getMetadata().getUid())
          || !config.nodeName().equals(pod.getSpec().getNodeName())) {
        LOG.info(() -> "Removing containers of pod " + namespace + "/" + name + " ("
            + stale.uid() + "), which this node no longer runs");
        kill(null, stale, stale.graceSeconds());
        remove(stale);
      }
    }
    if (pod == null || !config.nodeName().equals(pod.getSpec().getNodeName())) {
      return Optional.empty();
    }
    RuntimePod current = runtime.get(pod.getMetadata().getUid());
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      terminate(pod, current);
      return Optional.empty();
    }
    if (isTerminal(pod)) {
      if (current != null) {
        current.sandbox().filter(RuntimePod::running)
            .ifPresent(sandbox -> docker.stop(sandbox.getId(), 0));
      }
      return Optional.empty();
    }
    return run(pod, current);
  }

  /**
   * Stops and removes containers of pods that this node should not run: those not among the
   * pods listed at {@code listedAt} (containers made after that are left for the next resync).
   */
  public void removeOrphans(java.util.Set<String> wantedUids, Instant listedAt) {
    List<com.github.dockerjava.api.model.Container> old = docker.containers(
        PodLabels.ofNode(config.nodeName())).stream()
        .filter(c -> c.getCreated() != null && c.getCreated() < listedAt.getEpochSecond() - 1)
        .toList();
    Map<String, RuntimePod> all = RuntimePod.group(old);
    for (RuntimePod pod : all.values()) {
      if (!wantedUids.contains(pod.uid())) {
        LOG.info(() -> "Removing orphaned containers of pod " + pod.namespace() + "/"
            + pod.name() + " (" + pod.uid() + ")");
        kill(null, pod, 0);
        remove(pod);
      }
    }
  }

  private Optional<Instant> run(Pod pod, RuntimePod runtime) throws InterruptedException {
    String uid = pod.getMetadata().getUid();
    long grace = gracePeriod(pod);
    Map<String, String> podLabels = PodLabels.ofPod(config.nodeName(), pod, grace);
    Map<String, PodStatuses.Waiting> waiting = new HashMap<>();
    Optional<Instant> wakeUp = Optional.empty();

    Optional<InspectContainerResponse> sandbox = ensureSandbox(pod, runtime, podLabels);
    if (sandbox.isEmpty()) {
      return Optional.of(clock.instant().plusSeconds(5));
    }
    String sandboxId = sandbox.get().getId();
    String podIp = PodStatuses.ipOf(sandbox.get());
    Map<String, PodVolumes.HostVolume> hostVolumes;
    try {
      hostVolumes = volumes.prepare(pod);
    } catch (EnvResolver.ConfigError e) {
      for (Container container : pod.getSpec().getContainers()) {
        waiting.put(container.getName(),
            new PodStatuses.Waiting("CreateContainerConfigError", e.getMessage()));
        events.warning(pod, container.getName(), "Failed", "Error: " + e.getMessage());
      }
      report(pod, sandbox, runtime, waiting);
      return Optional.of(clock.instant().plusSeconds(10));
    }

    Optional<Optional<Instant>> initializing = runInitContainers(pod, runtime, sandboxId, podIp,
        podLabels, hostVolumes, waiting);
    if (initializing.isPresent()) {
      for (Container container : pod.getSpec().getContainers()) {
        waiting.putIfAbsent(container.getName(), new PodStatuses.Waiting("PodInitializing", null));
      }
      Map<String, RuntimePod> now = RuntimePod.group(docker.containers(Map.of(
          PodLabels.NODE, config.nodeName(), PodLabels.POD_UID, uid)));
      report(pod, sandbox, now.get(uid), waiting);
      return initializing.get();
    }

    for (Container container : pod.getSpec().getContainers()) {
      List<com.github.dockerjava.api.model.Container> attempts = runtime == null ? List.of()
          : runtime.attempts(container.getName());
      Optional<com.github.dockerjava.api.model.Container> latest = attempts.stream().findFirst();
      String key = uid + "/" + container.getName();
      if (latest.isPresent() && RuntimePod.running(latest.get())) {
        String image = latest.get().getLabels().get(PodLabels.IMAGE);
        if (container.getImage().equals(image)) {
          continue;
        }
        LOG.info(() -> "Container " + container.getName() + " of pod " + name(pod)
            + " changed image to " + container.getImage() + "; restarting it");
        events.normal(pod, container.getName(), "Killing", "Container " + container.getName()
            + " definition changed, will be restarted");
        hooks.stop(pod, container, latest.get().getId(), podIp, grace);
      }
      int attempt = latest.map(c -> RuntimePod.attempt(c) + 1).orElse(0);
      if (latest.isPresent()) {
        Optional<InspectContainerResponse> exited = docker.inspect(latest.get().getId());
        if (exited.isPresent() && !Boolean.TRUE.equals(exited.get().getState().getRunning())) {
          int exitCode = Optional.ofNullable(exited.get().getState().getExitCodeLong())
              .orElse(0L).intValue();
          if (!shouldRestart(pod, exitCode)
              && container.getImage().equals(latest.get().getLabels().get(PodLabels.IMAGE))) {
            continue;
          }
          Instant started = parse(exited.get().getState().getStartedAt());
          Instant finished = parse(exited.get().getState().getFinishedAt());
          Optional<Instant> blocked = backoff.blockedUntil(key, started, finished);
          if (blocked.isPresent()) {
            waiting.put(container.getName(), crashLoopBackOff(pod, container.getName(), key));
            wakeUp = earliest(wakeUp, blocked.get());
            events.warning(pod, container.getName(), "BackOff", "Back-off restarting failed"
                + " container " + container.getName() + " in pod " + pod.getMetadata().getName()
                + "_" + pod.getMetadata().getNamespace() + "(" + uid + ")");
            continue;
          }
          backoff.restarted(key);
        }
      } else {
        attempt = Math.max(attempt, restartCountInStatus(pod, container.getName()));
      }
      Optional<PodStatuses.Waiting> problem = startContainer(pod, container, attempt, sandboxId,
          podIp, podLabels, hostVolumes);
      if (problem.isPresent()) {
        waiting.put(container.getName(), problem.get());
        wakeUp = earliest(wakeUp, backoff.blockedAfterLastTry(key + "/pull")
            .orElse(clock.instant().plus(RestartBackoff.INITIAL)));
      }
      removeOldAttempts(attempts, 1);
    }
    ephemeral.start(pod, runtime, sandboxId, podIp, podLabels, hostVolumes);
    Map<String, RuntimePod> after = RuntimePod.group(docker.containers(Map.of(
        PodLabels.NODE, config.nodeName(), PodLabels.POD_UID, uid)));
    java.util.Set<String> running = new java.util.HashSet<>();
    RuntimePod now = after.get(uid);
    if (now != null) {
      for (Container container : pod.getSpec().getContainers()) {
        now.attempts(container.getName()).stream().findFirst().filter(RuntimePod::running)
            .ifPresent(instance -> {
              running.add(instance.getId());
              probes.ensure(pod, container, instance.getId(), podIp);
            });
      }
    }
    probes.retainOnly(uid, running);
    report(pod, sandbox, now, waiting);
    return wakeUp;
  }

  /**
   * Runs the init containers one after another, each to completion, before any container
   * starts: a failed one is restarted as the restart policy says (with back-off), except under
   * {@code Never}, which fails the pod.
   *
   * @return empty when every init container has succeeded; otherwise when to look again (empty
   *     inside: on the next event or resync)
   */
  private Optional<Optional<Instant>> runInitContainers(Pod pod, RuntimePod runtime,
      String sandboxId, String podIp, Map<String, String> podLabels,
      Map<String, PodVolumes.HostVolume> hostVolumes, Map<String, PodStatuses.Waiting> waiting)
      throws InterruptedException {
    String uid = pod.getMetadata().getUid();
    for (Container init : EnvResolver.orEmpty(pod.getSpec().getInitContainers())) {
      List<com.github.dockerjava.api.model.Container> attempts = runtime == null ? List.of()
          : runtime.attempts(init.getName());
      Optional<com.github.dockerjava.api.model.Container> latest = attempts.stream().findFirst();
      if (latest.isPresent() && RuntimePod.running(latest.get())) {
        return Optional.of(Optional.empty());
      }
      int attempt = latest.map(c -> RuntimePod.attempt(c) + 1)
          .orElse(restartCountInStatus(pod, init.getName()));
      if (latest.isPresent()) {
        Optional<InspectContainerResponse> exited = docker.inspect(latest.get().getId());
        if (exited.isEmpty()) {
          return Optional.of(Optional.empty());
        }
        int exitCode = Optional.ofNullable(exited.get().getState().getExitCodeLong()).orElse(0L)
            .intValue();
        if (exitCode == 0) {
          continue;
        }
        if ("Never".equals(pod.getSpec().getRestartPolicy())) {
          return Optional.of(Optional.empty());
        }
        String key = uid + "/" + init.getName();
        Optional<Instant> blocked = backoff.blockedUntil(key,
            parse(exited.get().getState().getStartedAt()),
            parse(exited.get().getState().getFinishedAt()));
        if (blocked.isPresent()) {
          waiting.put(init.getName(), crashLoopBackOff(pod, init.getName(), key));
          return Optional.of(blocked);
        }
        backoff.restarted(key);
      }
      Optional<PodStatuses.Waiting> problem = startContainer(pod, init, attempt, sandboxId, podIp,
          podLabels, hostVolumes);
      problem.ifPresent(p -> waiting.put(init.getName(), p));
      removeOldAttempts(attempts, 1);
      return Optional.of(problem.isPresent()
          ? Optional.of(clock.instant().plus(RestartBackoff.INITIAL)) : Optional.empty());
    }
    return Optional.empty();
  }

  private Optional<InspectContainerResponse> ensureSandbox(Pod pod, RuntimePod runtime,
      Map<String, String> podLabels) throws InterruptedException {
    Optional<com.github.dockerjava.api.model.Container> latest =
        runtime == null ? Optional.empty() : runtime.sandbox();
    if (latest.isPresent() && RuntimePod.running(latest.get())) {
      return docker.inspect(latest.get().getId());
    }
    if (latest.isPresent()) {
      // The sandbox died: its network went with it, so every container is started again in a
      // new one, as the kubelet does.
      LOG.info(() -> "The sandbox of pod " + name(pod) + " stopped; recreating the pod's"
          + " containers");
      kill(pod, runtime, 0);
    }
    int attempt = latest.map(c -> RuntimePod.attempt(c) + 1).orElse(0);
    try {
      ensureImage(null, null, config.sandboxImage(), "IfNotPresent");
      Map<String, String> labels = new HashMap<>(podLabels);
      labels.put(PodLabels.ROLE, PodLabels.SANDBOX);
      labels.put(PodLabels.ATTEMPT, Integer.toString(attempt));
      String id = docker.create(config.sandboxImage(), ContainerSpecs.sandbox(pod, labels,
          PodLabels.containerName(pod, "POD", attempt),
          PodDns.of(pod, networking.dns(), ClusterDns.DOMAIN), networking.network()));
      docker.start(id);
      if (runtime != null) {
        runtime.sandboxes().forEach(old -> docker.remove(old.getId()));
      }
      return docker.inspect(id);
    } catch (DockerException | ImageUnavailable e) {
      LOG.log(Level.WARNING, "Could not start the sandbox of pod " + name(pod) + ": "
          + e.getMessage());
      Map<String, PodStatuses.Waiting> waiting = new HashMap<>();
      for (Container container : pod.getSpec().getContainers()) {
        waiting.put(container.getName(), new PodStatuses.Waiting("ContainerCreating",
            "failed to create the pod sandbox: " + e.getMessage()));
      }
      report(pod, Optional.empty(), runtime, waiting);
      return Optional.empty();
    }
  }

  /** Why a container that keeps failing waits, as the kubelet words it. */
  private PodStatuses.Waiting crashLoopBackOff(Pod pod, String container, String backoffKey) {
    return new PodStatuses.Waiting("CrashLoopBackOff", "back-off "
        + seconds(backoff.currentDelay(backoffKey)) + " restarting failed container=" + container
        + " pod=" + pod.getMetadata().getName() + "_" + pod.getMetadata().getNamespace() + "("
        + pod.getMetadata().getUid() + ")");
  }

  private Optional<PodStatuses.Waiting> startContainer(Pod pod, Container container, int attempt,
      String sandboxId, String podIp, Map<String, String> podLabels,
      Map<String, PodVolumes.HostVolume> hostVolumes) throws InterruptedException {
    String pullKey = pod.getMetadata().getUid() + "/" + container.getName() + "/pull";
    boolean neverPull = "Never".equals(container.getImagePullPolicy());
    if (!neverPull && backoff.blockedAfterLastTry(pullKey).isPresent()) {
      // as the kubelet: no pull while backing off, and no status change either
      events.normal(pod, container.getName(), "BackOff", "Back-off pulling image \""
          + container.getImage() + "\"");
      return Optional.of(new PodStatuses.Waiting("ImagePullBackOff", "Back-off pulling image \""
          + container.getImage() + "\""));
    }
    try {
      ensureImage(pod, container.getName(), container.getImage(),
          container.getImagePullPolicy());
      backoff.reset(pullKey);
    } catch (ImageUnavailable e) {
      if (e.neverPull) {
        // nothing to back off from: the image may only appear by other means
        events.warning(pod, container.getName(), "ErrImageNeverPull", e.getMessage());
        return Optional.of(new PodStatuses.Waiting("ErrImageNeverPull", e.getMessage()));
      }
      backoff.restarted(pullKey);
      String reason = "ErrImagePull";
      events.warning(pod, container.getName(), "Failed", e.getMessage());
      events.warning(pod, container.getName(), "Failed", "Error: " + reason);
      return Optional.of(new PodStatuses.Waiting(reason, e.getMessage()));
    }
    Map<String, String> environment;
    try {
      environment = env.resolve(pod, container, podIp == null ? "" : podIp, config.nodeIp());
    } catch (EnvResolver.ConfigError e) {
      events.warning(pod, container.getName(), "Failed", "Error: " + e.getMessage());
      return Optional.of(new PodStatuses.Waiting("CreateContainerConfigError", e.getMessage()));
    }
    Map<String, String> labels = new HashMap<>(podLabels);
    labels.put(PodLabels.ROLE, PodLabels.APP);
    labels.put(PodLabels.CONTAINER, container.getName());
    labels.put(PodLabels.ATTEMPT, Integer.toString(attempt));
    labels.put(PodLabels.IMAGE, container.getImage());
    try {
      String id = docker.create(container.getImage(), ContainerSpecs.container(pod, container,
          labels, PodLabels.containerName(pod, container.getName(), attempt), sandboxId,
          environment, hostVolumes));
      events.normal(pod, container.getName(), "Created", "Created container: "
          + container.getName());
      docker.start(id);
      events.normal(pod, container.getName(), "Started", "Started container "
          + container.getName());
      hooks.postStart(pod, container, id, podIp);
      LOG.info(() -> "Started container " + container.getName() + " of pod " + name(pod)
          + " (attempt " + attempt + ")");
      return Optional.empty();
    } catch (DockerException e) {
      events.warning(pod, container.getName(), "Failed", "Error: " + e.getMessage());
      return Optional.of(new PodStatuses.Waiting("RunContainerError", e.getMessage()));
    }
  }

  /** An image that is not here and cannot (or may not) be pulled. */
  static final class ImageUnavailable extends Exception {
    final boolean neverPull;

    ImageUnavailable(String message, boolean neverPull) {
      super(message);
      this.neverPull = neverPull;
    }
  }

  private void ensureImage(Pod pod, String container, String image, String policy)
      throws ImageUnavailable, InterruptedException {
    boolean present = docker.hasImage(image);
    String pullPolicy = policy == null ? "IfNotPresent" : policy;
    if (pullPolicy.equals("Never")) {
      if (!present) {
        throw new ImageUnavailable("Container image \"" + image
            + "\" is not present with pull policy of Never", true);
      }
      return;
    }
    if (present && pullPolicy.equals("IfNotPresent")) {
      if (pod != null) {
        events.normal(pod, container, "Pulled", "Container image \"" + image
            + "\" already present on machine");
      }
      return;
    }
    try {
      if (pod != null) {
        events.normal(pod, container, "Pulling", "Pulling image \"" + image + "\"");
      }
      Instant started = clock.instant();
      docker.pull(image, PULL_TIMEOUT);
      if (pod != null) {
        events.normal(pod, container, "Pulled", "Successfully pulled image \"" + image
            + "\" in " + Duration.between(started, clock.instant()).toMillis() + "ms");
      }
    } catch (DockerException | IllegalStateException e) {
      if (present && pullPolicy.equals("Always")) {
        LOG.warning(() -> "Could not pull " + image + " (" + e.getMessage()
            + "); using the copy already here");
        return;
      }
      throw new ImageUnavailable("Failed to pull image \"" + image + "\": " + e.getMessage(),
          false);
    }
  }

  private void terminate(Pod pod, RuntimePod runtime) {
    long grace = Optional.ofNullable(pod.getMetadata().getDeletionGracePeriodSeconds())
        .orElse(gracePeriod(pod));
    if (runtime != null) {
      runtime.containers().forEach((container, attempts) -> {
        if (attempts.stream().anyMatch(RuntimePod::running)) {
          events.normal(pod, container, "Killing", "Stopping container " + container);
        }
      });
      LOG.info(() -> "Stopping pod " + name(pod) + " (grace period " + grace + " s)");
      kill(pod, runtime, grace);
      remove(runtime);
    } else {
      volumes.remove(pod.getMetadata().getUid());
    }
    deleteForGood(pod);
  }

  /** The pod's containers are gone: the object goes too (the last step of graceful deletion). */
  private void deleteForGood(Pod pod) {
    String path = "/api/v1/namespaces/" + pod.getMetadata().getNamespace() + "/pods/"
        + pod.getMetadata().getName();
    String options = "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"gracePeriodSeconds\":0,"
        + "\"preconditions\":{\"uid\":\"" + pod.getMetadata().getUid() + "\"}}";
    try {
      api.raw(config.apiServer() + path, "DELETE", options);
      LOG.info(() -> "Pod " + name(pod) + " stopped and deleted");
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404 && e.getCode() != 409) {
        throw e;
      }
    }
  }

  /**
   * Stops the pod's containers together, then its sandbox: each container's preStop hook (when
   * the pod's spec is known), SIGTERM, and SIGKILL after the grace period.
   */
  private void kill(Pod pod, RuntimePod runtime, long graceSeconds) {
    List<Thread> stops = new java.util.ArrayList<>();
    String podIp = pod == null || pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    for (var entry : runtime.containers().entrySet()) {
      Container spec = pod == null ? null : pod.getSpec().getContainers().stream()
          .filter(c -> c.getName().equals(entry.getKey())).findFirst().orElse(null);
      entry.getValue().stream().filter(RuntimePod::running).forEach(container ->
          stops.add(startThread(() -> hooks.stop(pod, spec, container.getId(), podIp,
              graceSeconds))));
    }
    for (Thread stop : stops) {
      try {
        stop.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    runtime.sandboxes().stream().filter(RuntimePod::running)
        .forEach(sandbox -> docker.stop(sandbox.getId(), 0));
  }

  private static Thread startThread(Runnable task) {
    Thread thread = new Thread(task, "capstan-stop-container");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private void remove(RuntimePod runtime) {
    probes.retainOnly(runtime.uid(), java.util.Set.of());
    runtime.all().forEach(container -> docker.remove(container.getId()));
    volumes.remove(runtime.uid());
    backoff.forget(runtime.uid() + "/");
  }

  /** Keeps the newest {@code keep} dead attempts of a container (for its last state). */
  private void removeOldAttempts(List<com.github.dockerjava.api.model.Container> attempts,
      int keep) {
    attempts.stream().filter(c -> !RuntimePod.running(c)).skip(keep)
        .forEach(old -> docker.remove(old.getId()));
  }

  private void report(Pod pod, Optional<InspectContainerResponse> sandbox, RuntimePod runtime,
      Map<String, PodStatuses.Waiting> waiting) {
    Map<String, PodStatuses.Attempts> attempts = new HashMap<>();
    if (runtime != null) {
      List<Container> everyContainer = new java.util.ArrayList<>(
          EnvResolver.orEmpty(pod.getSpec().getInitContainers()));
      everyContainer.addAll(pod.getSpec().getContainers());
      for (Container container : everyContainer) {
        List<com.github.dockerjava.api.model.Container> all = runtime.attempts(container.getName());
        Optional<InspectContainerResponse> current = all.stream().findFirst()
            .flatMap(c -> docker.inspect(c.getId()));
        Optional<InspectContainerResponse> previous = all.stream().skip(1).findFirst()
            .flatMap(c -> docker.inspect(c.getId()));
        int restarts = all.stream().findFirst().map(RuntimePod::attempt).orElse(0);
        attempts.put(container.getName(), new PodStatuses.Attempts(current, previous, restarts));
      }
    }
    PodStatuses.ProbeResults results = new PodStatuses.ProbeResults() {
      @Override
      public Optional<Boolean> ready(String containerId) {
        return probes.ready(containerId);
      }

      @Override
      public Optional<Boolean> started(String containerId) {
        return probes.started(containerId);
      }
    };
    PodStatus status = PodStatuses.build(pod, sandbox, attempts, waiting, results,
        config.nodeIp(), clock.instant());
    List<io.fabric8.kubernetes.api.model.ContainerStatus> debuggers =
        ephemeral.statuses(pod, runtime);
    status.setEphemeralContainerStatuses(debuggers.isEmpty() ? null : debuggers);
    var json = api.getKubernetesSerialization();
    if (pod.getStatus() != null && json.asJson(status).equals(json.asJson(pod.getStatus()))) {
      return;
    }
    pod.setStatus(status);
    try {
      api.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409 || e.getCode() == 404) {
        LOG.fine(() -> "Status of " + name(pod) + " not written (" + e.getCode()
            + "); the next sync writes it");
        return;
      }
      throw e;
    }
  }

  /** The attempt after the last one the status knows of: how a container removed by hand resumes. */
  private int restartCountInStatus(Pod pod, String container) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return 0;
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(status -> container.equals(status.getName()))
        .map(status -> {
          int restarts = status.getRestartCount() == null ? 0 : status.getRestartCount();
          boolean ran = status.getContainerID() != null && !status.getContainerID().isEmpty();
          return ran ? restarts + 1 : restarts;
        })
        .findFirst().orElse(0);
  }

  private static boolean shouldRestart(Pod pod, int exitCode) {
    String policy = pod.getSpec().getRestartPolicy() == null ? "Always"
        : pod.getSpec().getRestartPolicy();
    return policy.equals("Always") || policy.equals("OnFailure") && exitCode != 0;
  }

  private static boolean isTerminal(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  static long gracePeriod(Pod pod) {
    Long grace = pod.getSpec().getTerminationGracePeriodSeconds();
    return grace == null ? 30 : grace;
  }

  private static Instant parse(String time) {
    return time == null || time.startsWith("0001") ? Instant.EPOCH : Instant.parse(time);
  }

  private static Optional<Instant> earliest(Optional<Instant> current, Instant candidate) {
    return current.isPresent() && current.get().isBefore(candidate) ? current
        : Optional.of(candidate);
  }

  private static String seconds(Duration duration) {
    long total = duration.toSeconds();
    return total >= 60 ? (total / 60) + "m" + (total % 60) + "s" : total + "s";
  }

  private static String name(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }
}
