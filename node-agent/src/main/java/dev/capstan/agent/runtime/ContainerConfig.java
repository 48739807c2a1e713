package dev.capstan.agent.runtime;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One container of a pod, joined to its sandbox's network and IPC namespaces (the CRI's
 * {@code ContainerConfig}).
 *
 * @param entrypoint replaces the image's entrypoint when not empty (and then its arguments too)
 * @param env {@code NAME=value} entries
 * @param pidNamespaceOf the container whose process namespace this one joins (an ephemeral
 *     container's target), if any
 */
public record ContainerConfig(String name, String image, Map<String, String> labels,
    String sandboxId, List<String> entrypoint, List<String> args, List<String> env,
    Optional<String> workingDir, Optional<String> user, boolean tty, boolean stdin,
    boolean stdinOnce, List<Mount> mounts, Resources resources, boolean privileged,
    boolean readOnlyRootFilesystem, Optional<String> pidNamespaceOf) {

  /** This container, in the process namespace of another one. */
  public ContainerConfig inPidNamespaceOf(String containerId) {
    return new ContainerConfig(name, image, labels, sandboxId, entrypoint, args, env, workingDir,
        user, tty, stdin, stdinOnce, mounts, resources, privileged, readOnlyRootFilesystem,
        Optional.of(containerId));
  }

  /** A host path bound into the container. */
  public record Mount(String hostPath, String containerPath, boolean readOnly) {}

  /** Hard limits and the CPU weight; empty where the spec sets none. */
  public record Resources(Optional<Long> memoryBytes, Optional<Long> cpuPeriod,
      Optional<Long> cpuQuota, Optional<Integer> cpuShares) {

    public static final Resources NONE = new Resources(Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty());
  }
}
