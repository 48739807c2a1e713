package dev.capstan.agent.pods;

import dev.capstan.agent.AgentConfig;
import dev.capstan.agent.events.PodEvents;
import dev.capstan.agent.runtime.ContainerConfig;
import dev.capstan.agent.runtime.ContainerInfo;
import dev.capstan.agent.runtime.ContainerRuntime;
import dev.capstan.agent.runtime.ContainerSummary;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A running pod's ephemeral containers ({@code kubectl debug}): each is started once, never
 * restarted, in the pod's network and IPC namespaces and, with {@code targetContainerName}, in
 * that container's PID namespace, so a debugger sees its processes. They carry the pod's labels
 * and their own name, so exec, attach and logs find them as any other container, and the pod's
 * termination stops them with the rest.
 *
 * <p>Called by {@link PodSyncer} once the sandbox and the containers are in place
 * ({@link #start}) and when it reports status ({@link #statuses}).
 */
final class EphemeralContainers {

  private static final Logger LOG = Logger.getLogger(EphemeralContainers.class.getName());
  private static final String ROLE = "ephemeral";

  private final AgentConfig config;
  private final ContainerRuntime containers;
  private final ImagePuller images;
  private final EnvResolver env;
  private final PodEvents events;

  EphemeralContainers(AgentConfig config, ContainerRuntime containers, ImagePuller images,
      EnvResolver env, PodEvents events) {
    this.config = config;
    this.containers = containers;
    this.images = images;
    this.env = env;
    this.events = events;
  }

  /**
   * Starts the ephemeral containers the pod names that have never been started; one whose image
   * is still being pulled waits for the pull, which wakes the pod ({@code wake}).
   */
  void start(Pod pod, RuntimePod runtime, String sandboxId, String podIp,
      Map<String, String> podLabels, Map<String, PodVolumes.HostVolume> hostVolumes,
      Runnable wake) {
    for (EphemeralContainer ephemeral : EnvResolver.orEmpty(
        pod.getSpec().getEphemeralContainers())) {
      if (runtime != null && !runtime.attempts(ephemeral.getName()).isEmpty()) {
        continue;
      }
      Container container = asContainer(ephemeral);
      String name = container.getName();
      ImagePuller.Result image = images.ensure(pod, name, pod.getMetadata().getUid() + "/"
          + name, container.getImage(), container.getImagePullPolicy(), wake);
      if (image instanceof ImagePuller.Result.Pulling) {
        continue;
      }
      if (image instanceof ImagePuller.Result.Unavailable unavailable) {
        events.warning(pod, name, "Failed", unavailable.message());
        continue;
      }
      try {
        Map<String, String> labels = new HashMap<>(podLabels);
        labels.put(PodLabels.ROLE, ROLE);
        labels.put(PodLabels.CONTAINER, name);
        labels.put(PodLabels.ATTEMPT, "0");
        labels.put(PodLabels.IMAGE, container.getImage());
        ContainerConfig spec = ContainerSpecs.container(pod, container, labels,
            PodLabels.containerName(pod, name, 0), sandboxId,
            env.resolve(pod, container, podIp == null ? "" : podIp, config.nodeIp()),
            hostVolumes);
        Optional<String> target = target(runtime, ephemeral.getTargetContainerName());
        String id = containers.create(target.map(spec::inPidNamespaceOf).orElse(spec));
        events.normal(pod, name, "Created", "Created container: " + name);
        containers.start(id);
        events.normal(pod, name, "Started", "Started container " + name);
        LOG.info(() -> "Started ephemeral container " + name + " of pod "
            + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName());
      } catch (RuntimeException | EnvResolver.ConfigError e) {
        LOG.log(Level.WARNING, "Could not start ephemeral container " + name, e);
        events.warning(pod, name, "Failed", "Error: " + e.getMessage());
      }
    }
  }

  /** {@code status.ephemeralContainerStatuses}, in the order of the spec. */
  List<ContainerStatus> statuses(Pod pod, RuntimePod runtime) {
    List<ContainerStatus> statuses = new ArrayList<>();
    for (EphemeralContainer ephemeral : EnvResolver.orEmpty(
        pod.getSpec().getEphemeralContainers())) {
      ContainerStatusBuilder status = new ContainerStatusBuilder()
          .withName(ephemeral.getName())
          .withImage(ephemeral.getImage())
          .withImageID("")
          .withRestartCount(0)
          .withReady(false)
          .withLastState(new ContainerState());
      Optional<ContainerInfo> current = runtime == null ? Optional.empty()
          : runtime.attempts(ephemeral.getName()).stream().findFirst()
              .flatMap(c -> containers.inspect(c.id()));
      if (current.isPresent()) {
        status.withContainerID("docker://" + current.get().id())
            .withImageID("docker://" + current.get().imageId())
            .withState(PodStatuses.state(current.get()));
      } else {
        status.withState(new ContainerStateBuilder().withNewWaiting()
            .withReason("ContainerCreating").endWaiting().build());
      }
      statuses.add(status.build());
    }
    return statuses;
  }

  /** The running container the debugger shares its process namespace with. */
  private static Optional<String> target(RuntimePod runtime, String targetName) {
    if (runtime == null || targetName == null || targetName.isEmpty()) {
      return Optional.empty();
    }
    return runtime.attempts(targetName).stream().filter(ContainerSummary::running).findFirst()
        .map(ContainerSummary::id);
  }

  private static Container asContainer(EphemeralContainer ephemeral) {
    return new ContainerBuilder()
        .withName(ephemeral.getName())
        .withImage(ephemeral.getImage())
        .withImagePullPolicy(ephemeral.getImagePullPolicy())
        .withCommand(ephemeral.getCommand())
        .withArgs(ephemeral.getArgs())
        .withEnv(ephemeral.getEnv())
        .withEnvFrom(ephemeral.getEnvFrom())
        .withWorkingDir(ephemeral.getWorkingDir())
        .withVolumeMounts(ephemeral.getVolumeMounts())
        .withSecurityContext(ephemeral.getSecurityContext())
        .withStdin(ephemeral.getStdin())
        .withStdinOnce(ephemeral.getStdinOnce())
        .withTty(ephemeral.getTty())
        .build();
  }
}
