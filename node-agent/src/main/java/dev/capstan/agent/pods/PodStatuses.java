package dev.capstan.agent.pods;

import dev.capstan.agent.runtime.ContainerInfo;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountStatus;
import io.fabric8.kubernetes.api.model.VolumeMountStatusBuilder;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pod's status as the kubelet reports it, from what the runtime says of its containers: each
 * container's state (running, terminated with exit code and reason, or waiting with the reason
 * the agent gave, such as {@code CrashLoopBackOff}), restart count and last state; the pod's
 * phase by Kubernetes' rules; its conditions; and its addresses.
 */
final class PodStatuses {

  /** Why a container is not running, as the agent decided during the sync. */
  record Waiting(String reason, String message) {}

  /** What the probes say of a container instance; empty where it has no such probe. */
  interface ProbeResults {
    Optional<Boolean> ready(String containerId);

    Optional<Boolean> started(String containerId);

    ProbeResults NONE = new ProbeResults() {
      @Override
      public Optional<Boolean> ready(String containerId) {
        return Optional.empty();
      }

      @Override
      public Optional<Boolean> started(String containerId) {
        return Optional.empty();
      }
    };
  }

  /** The newest attempt of a container and the one before it, as the runtime describes them. */
  record Attempts(Optional<ContainerInfo> current,
      Optional<ContainerInfo> previous, int restartCount) {}

  private PodStatuses() {}

  static PodStatus build(Pod pod, Optional<ContainerInfo> sandbox,
      Map<String, Attempts> attempts, Map<String, Waiting> waiting, ProbeResults probes,
      String hostIp, Instant now) {
    PodStatus previous = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
    String timestamp = timestamp(now);
    List<ContainerStatus> statuses = new ArrayList<>();
    int running = 0;
    int waitingCount = 0;
    int stopped = 0;
    int succeeded = 0;
    boolean allReady = true;
    List<String> unready = new ArrayList<>();
    for (Container container : EnvResolver.orEmpty(pod.getSpec().getContainers())) {
      Attempts attempt = attempts.getOrDefault(container.getName(),
          new Attempts(Optional.empty(), Optional.empty(), 0));
      ContainerStatus status = containerStatus(container, attempt,
          Optional.ofNullable(waiting.get(container.getName())), probes);
      statuses.add(status);
      ContainerState state = status.getState();
      if (state.getRunning() != null) {
        running++;
      } else if (state.getTerminated() != null) {
        stopped++;
        if (state.getTerminated().getExitCode() == 0) {
          succeeded++;
        }
      } else if (status.getLastState() != null && status.getLastState().getTerminated() != null) {
        stopped++;
        if (status.getLastState().getTerminated().getExitCode() == 0) {
          succeeded++;
        }
      } else {
        waitingCount++;
      }
      if (!Boolean.TRUE.equals(status.getReady())) {
        allReady = false;
        unready.add(container.getName());
      }
    }
    List<ContainerStatus> initStatuses = new ArrayList<>();
    boolean initialized = true;
    boolean initFailed = false;
    List<String> incomplete = new ArrayList<>();
    for (Container init : EnvResolver.orEmpty(pod.getSpec().getInitContainers())) {
      Attempts attempt = attempts.getOrDefault(init.getName(),
          new Attempts(Optional.empty(), Optional.empty(), 0));
      Optional<Waiting> reason = Optional.ofNullable(waiting.get(init.getName()));
      if (attempt.current().isEmpty() && reason.isEmpty()) {
        reason = Optional.of(new Waiting("PodInitializing", null));
      }
      ContainerStatus status = containerStatus(init, attempt, reason, ProbeResults.NONE);
      if (status.getState().getTerminated() != null) {
        status.setReady(status.getState().getTerminated().getExitCode() == 0);
      }
      initStatuses.add(status);
      var terminated = status.getState().getTerminated();
      boolean done = terminated != null && terminated.getExitCode() == 0;
      if (!done) {
        initialized = false;
        incomplete.add(init.getName());
        initFailed |= terminated != null
            && "Never".equals(pod.getSpec().getRestartPolicy());
      }
    }
    // a terminal phase is never left (the kubelet's status manager keeps it): an evicted pod
    // stays Failed whatever its containers say
    boolean wasTerminal = "Failed".equals(previous.getPhase())
        || "Succeeded".equals(previous.getPhase());
    String phase = wasTerminal ? previous.getPhase()
        : initFailed ? "Failed"
        : !initialized ? "Pending"
        : phase(pod.getSpec().getRestartPolicy(), running, waitingCount, stopped, succeeded);
    boolean sandboxReady = sandbox.map(ContainerInfo::running).orElse(false);
    boolean terminal = phase.equals("Succeeded") || phase.equals("Failed");
    // reasons and messages as the kubelet's status generator (pkg/kubelet/status/generate.go)
    String notReady = phase.equals("Succeeded") ? "PodCompleted"
        : phase.equals("Failed") ? "PodFailed" : "ContainersNotReady";
    String unreadyMessage = terminal ? null
        : "containers with unready status: [" + String.join(" ", unready) + "]";
    boolean ready = allReady && !terminal;
    List<PodCondition> conditions = new ArrayList<>(List.of(
        condition(previous, "PodReadyToStartContainers", sandboxReady && !terminal, timestamp,
            null, null),
        condition(previous, "Initialized", initialized, timestamp,
            initialized ? (phase.equals("Succeeded") ? "PodCompleted" : null)
                : "ContainersNotInitialized",
            initialized ? null
                : "containers with incomplete status: [" + String.join(" ", incomplete) + "]"),
        condition(previous, "Ready", ready, timestamp, ready ? null : notReady,
            ready ? null : unreadyMessage),
        condition(previous, "ContainersReady", ready, timestamp, ready ? null : notReady,
            ready ? null : unreadyMessage),
        condition(previous, "PodScheduled", true, timestamp, null, null)));
    // the condition an eviction (or the API's disruption) set is not the kubelet's to drop
    EnvResolver.orEmpty(previous.getConditions()).stream()
        .filter(c -> "DisruptionTarget".equals(c.getType())).findFirst()
        .ifPresent(conditions::add);
    String podIp = sandbox.filter(ContainerInfo::running).flatMap(ContainerInfo::ip)
        .orElse(previous.getPodIP());
    PodStatusBuilder status = new PodStatusBuilder()
        .withPhase(phase)
        .withConditions(conditions)
        .withHostIP(hostIp)
        .withHostIPs(new HostIP(hostIp))
        .withStartTime(previous.getStartTime() != null ? previous.getStartTime() : timestamp)
        .withContainerStatuses(statuses)
        .withInitContainerStatuses(initStatuses.isEmpty() ? null : initStatuses)
        .withQosClass(previous.getQosClass());
    if (wasTerminal) {
      status.withReason(previous.getReason()).withMessage(previous.getMessage());
    }
    if (podIp != null) {
      status.withPodIP(podIp).withPodIPs(new PodIP(podIp));
    }
    return status.build();
  }

  static String phase(String restartPolicy, int running, int waiting, int stopped,
      int succeeded) {
    if (waiting > 0) {
      return "Pending";
    }
    if (running > 0) {
      return "Running";
    }
    if (stopped > 0) {
      String policy = restartPolicy == null ? "Always" : restartPolicy;
      return switch (policy) {
        case "Always" -> "Running";
        case "OnFailure" -> stopped == succeeded ? "Succeeded" : "Running";
        default -> stopped == succeeded ? "Succeeded" : "Failed";
      };
    }
    return "Pending";
  }

  private static ContainerStatus containerStatus(Container container, Attempts attempts,
      Optional<Waiting> waiting, ProbeResults probes) {
    ContainerStatusBuilder status = new ContainerStatusBuilder()
        .withName(container.getName())
        .withImage(container.getImage())
        .withImageID("")
        .withRestartCount(attempts.restartCount())
        .withReady(false)
        .withStarted(false);
    attempts.previous().map(PodStatuses::state)
        .filter(state -> state.getTerminated() != null)
        .ifPresentOrElse(status::withLastState, () -> status.withLastState(new ContainerState()));
    if (attempts.current().isPresent()) {
      ContainerInfo current = attempts.current().get();
      status.withContainerID("docker://" + current.id())
          .withImageID("docker://" + current.imageId())
          .withVolumeMounts(volumeMounts(container));
      ContainerState state = state(current);
      if (waiting.isPresent() && state.getRunning() == null) {
        status.withLastState(state.getTerminated() != null ? state
            : status.buildLastState());
        state = waitingState(waiting.get());
      }
      status.withState(state);
      boolean running = state.getRunning() != null;
      boolean started = running && probes.started(current.id()).orElse(true);
      status.withStarted(started)
          .withReady(started && probes.ready(current.id()).orElse(true));
    } else {
      status.withState(waitingState(waiting.orElse(new Waiting("ContainerCreating", null))));
    }
    return status.build();
  }

  /**
   * The mounts of a created container, as the kubelet reports them since 1.30 (read-only ones
   * not recursively so); null for none, which Go leaves out.
   */
  static List<VolumeMountStatus> volumeMounts(Container container) {
    List<VolumeMountStatus> mounts = EnvResolver.orEmpty(container.getVolumeMounts()).stream()
        .map(mount -> {
          boolean readOnly = Boolean.TRUE.equals(mount.getReadOnly());
          return new VolumeMountStatusBuilder().withName(mount.getName())
              .withMountPath(mount.getMountPath())
              .withReadOnly(readOnly ? true : null)
              .withRecursiveReadOnly(readOnly ? "Disabled" : null)
              .build();
        })
        .toList();
    return mounts.isEmpty() ? null : mounts;
  }

  private static ContainerState waitingState(Waiting waiting) {
    return new ContainerStateBuilder().withNewWaiting()
        .withReason(waiting.reason()).withMessage(waiting.message()).endWaiting().build();
  }

  static ContainerState state(ContainerInfo container) {
    if (container.running()) {
      return new ContainerStateBuilder().withNewRunning()
          .withStartedAt(container.startedAt().map(PodStatuses::timestamp).orElse(null))
          .endRunning().build();
    }
    if (container.startedAt().isEmpty()) {
      return new ContainerStateBuilder().withNewWaiting().withReason("ContainerCreating")
          .endWaiting().build();
    }
    int code = container.exitCode();
    String reason = container.oomKilled() ? "OOMKilled" : code == 0 ? "Completed" : "Error";
    return new ContainerStateBuilder().withNewTerminated()
        .withExitCode(code)
        .withReason(reason)
        .withStartedAt(timestamp(container.startedAt().get()))
        .withFinishedAt(container.finishedAt().map(PodStatuses::timestamp).orElse(null))
        .withContainerID("docker://" + container.id())
        .endTerminated().build();
  }

  private static PodCondition condition(PodStatus previous, String type, boolean value,
      String now, String reason, String message) {
    String status = value ? "True" : "False";
    String transition = EnvResolver.orEmpty(previous.getConditions()).stream()
        .filter(c -> type.equals(c.getType()) && status.equals(c.getStatus()))
        .map(PodCondition::getLastTransitionTime)
        .findFirst().orElse(now);
    return new PodConditionBuilder().withType(type).withStatus(status)
        .withLastTransitionTime(transition).withReason(reason).withMessage(message).build();
  }

  /**
   * Sets a condition of the status, keeping its transition time when its status is unchanged.
   */
  static void setCondition(PodStatus status, String type, String value, String reason,
      String message, Instant now) {
    List<PodCondition> conditions = new ArrayList<>(EnvResolver.orEmpty(status.getConditions()));
    String transition = conditions.stream()
        .filter(c -> type.equals(c.getType()) && value.equals(c.getStatus()))
        .map(PodCondition::getLastTransitionTime).findFirst().orElse(timestamp(now));
    conditions.removeIf(c -> type.equals(c.getType()));
    conditions.add(new PodConditionBuilder().withType(type).withStatus(value)
        .withLastTransitionTime(transition).withReason(reason).withMessage(message).build());
    status.setConditions(conditions);
  }

  static String timestamp(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }
}
