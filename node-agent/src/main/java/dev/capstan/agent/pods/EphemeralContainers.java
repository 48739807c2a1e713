package dev.capstan.agent.pods;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import dev.capstan.agent.AgentConfig;
import dev.capstan.agent.events.EventRecorder;
import dev.capstan.agent.runtime.DockerRuntime;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
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
  private final DockerRuntime docker;
  private final EnvResolver env;
  private final EventRecorder events;

  EphemeralContainers(AgentConfig config, DockerRuntime docker, EnvResolver env,
      EventRecorder events) {
    this.config = config;
    this.docker = docker;
    this.env = env;
    this.events = events;
  }

  /** Starts the ephemeral containers the pod names that have never been started. */
  void start(Pod pod, RuntimePod runtime, String sandboxId, String podIp,
      Map<String, String> podLabels, Map<String, PodVolumes.HostVolume> hostVolumes)
      throws InterruptedException {
    for (EphemeralContainer ephemeral : EnvResolver.orEmpty(
        pod.getSpec().getEphemeralContainers())) {
      if (runtime != null && !runtime.attempts(ephemeral.getName()).isEmpty()) {
        continue;
      }
      Container container = asContainer(ephemeral);
      String name = container.getName();
      try {
        ensureImage(pod, container);
        Map<String, String> labels = new HashMap<>(podLabels);
        labels.put(PodLabels.ROLE, ROLE);
        labels.put(PodLabels.CONTAINER, name);
        labels.put(PodLabels.ATTEMPT, "0");
        labels.put(PodLabels.IMAGE, container.getImage());
        Optional<String> target = target(runtime, ephemeral.getTargetContainerName());
        var spec = ContainerSpecs.container(pod, container, labels,
            PodLabels.containerName(pod, name, 0), sandboxId,
            env.resolve(pod, container, podIp == null ? "" : podIp, config.nodeIp()),
            hostVolumes);
        String id = docker.create(container.getImage(), create -> {
          spec.apply(create);
          target.ifPresent(t -> create.getHostConfig().withPidMode("container:" + t));
          return create;
        });
        events.normal(pod, name, "Created", "Created container: " + name);
        docker.start(id);
        events.normal(pod, name, "Started", "Started container " + name);
        LOG.info(() -> "Started ephemeral container " + name + " of pod "
            + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName());
      } catch (DockerException | IllegalStateException | EnvResolver.ConfigError e) {
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
      Optional<InspectContainerResponse> current = runtime == null ? Optional.empty()
          : runtime.attempts(ephemeral.getName()).stream().findFirst()
              .flatMap(c -> docker.inspect(c.getId()));
      if (current.isPresent()) {
        status.withContainerID("docker://" + current.get().getId())
            .withImageID("docker://" + current.get().getImageId())
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
    return runtime.attempts(targetName).stream().filter(RuntimePod::running).findFirst()
        .map(com.github.dockerjava.api.model.Container::getId);
  }

  private void ensureImage(Pod pod, Container container) throws InterruptedException {
    String image = container.getImage();
    String policy = Optional.ofNullable(container.getImagePullPolicy()).orElse("IfNotPresent");
    boolean present = docker.hasImage(image);
    if (present && !policy.equals("Always") || policy.equals("Never")) {
      events.normal(pod, container.getName(), "Pulled", "Container image \"" + image
          + "\" already present on machine");
      return;
    }
    events.normal(pod, container.getName(), "Pulling", "Pulling image \"" + image + "\"");
    docker.pull(image, Duration.ofMinutes(5));
    events.normal(pod, container.getName(), "Pulled", "Successfully pulled image \"" + image
        + "\"");
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
