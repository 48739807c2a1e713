package dev.capstan.agent.pods;

import dev.capstan.agent.runtime.ContainerConfig;
import dev.capstan.agent.runtime.SandboxConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a pod's spec into the runtime's configs: the sandbox that holds the pod's network
 * (and its host ports), and each container joined to it with its command, environment,
 * working directory, resources, security settings and volume mounts.
 */
final class ContainerSpecs {

  private static final long CPU_PERIOD = 100_000;

  private ContainerSpecs() {}

  static SandboxConfig sandbox(Pod pod, String image, Map<String, String> labels, String name,
      PodDns dns, Optional<String> network) {
    List<SandboxConfig.PortMapping> ports = new ArrayList<>();
    for (Container container : EnvResolver.orEmpty(pod.getSpec().getContainers())) {
      for (ContainerPort port : EnvResolver.orEmpty(container.getPorts())) {
        if (port.getHostPort() == null || port.getHostPort() <= 0) {
          continue;
        }
        ports.add(new SandboxConfig.PortMapping(port.getContainerPort(),
            port.getProtocol() == null ? "tcp" : port.getProtocol().toLowerCase(),
            port.getHostPort(), port.getHostIP()));
      }
    }
    String hostname = pod.getSpec().getHostname() != null ? pod.getSpec().getHostname()
        : pod.getMetadata().getName();
    return new SandboxConfig(name, image, labels,
        hostname.length() > 63 ? hostname.substring(0, 63) : hostname, ports, network,
        dns.nameservers(), dns.searches(), dns.options());
  }

  static ContainerConfig container(Pod pod, Container container, Map<String, String> labels,
      String name, String sandboxId, Map<String, String> env,
      Map<String, PodVolumes.HostVolume> volumes) {
    List<String> envList = new ArrayList<>();
    env.forEach((key, value) -> envList.add(key + "=" + value));
    // A command replaces the image's entrypoint and, as in Kubernetes, its default arguments.
    List<String> command = EnvResolver.expandAll(container.getCommand(), env);
    List<String> args = EnvResolver.expandAll(container.getArgs(), env);
    SecurityContext security = container.getSecurityContext();
    PodSecurityContext podSecurity = pod.getSpec().getSecurityContext();
    return new ContainerConfig(name, container.getImage(), labels, sandboxId, command, args,
        envList,
        Optional.ofNullable(container.getWorkingDir()).filter(dir -> !dir.isEmpty()),
        Optional.ofNullable(user(security, podSecurity)),
        Boolean.TRUE.equals(container.getTty()), Boolean.TRUE.equals(container.getStdin()),
        Boolean.TRUE.equals(container.getStdinOnce()), mounts(container, volumes),
        resources(container),
        security != null && Boolean.TRUE.equals(security.getPrivileged()),
        security != null && Boolean.TRUE.equals(security.getReadOnlyRootFilesystem()),
        Optional.empty());
  }

  private static List<ContainerConfig.Mount> mounts(Container container,
      Map<String, PodVolumes.HostVolume> volumes) {
    List<ContainerConfig.Mount> mounts = new ArrayList<>();
    for (VolumeMount mount : EnvResolver.orEmpty(container.getVolumeMounts())) {
      PodVolumes.HostVolume volume = volumes.get(mount.getName());
      if (volume == null) {
        continue;
      }
      String source = volume.path().toString();
      if (mount.getSubPath() != null && !mount.getSubPath().isEmpty()) {
        source = volume.path().resolve(mount.getSubPath()).toString();
      }
      boolean readOnly = volume.readOnly() || Boolean.TRUE.equals(mount.getReadOnly());
      mounts.add(new ContainerConfig.Mount(source, mount.getMountPath(), readOnly));
    }
    return mounts;
  }

  /** Limits become hard limits (CFS quota, memory); the cpu request the CPU shares. */
  static ContainerConfig.Resources resources(Container container) {
    if (container.getResources() == null) {
      return ContainerConfig.Resources.NONE;
    }
    Map<String, Quantity> limits = orEmpty(container.getResources().getLimits());
    Map<String, Quantity> requests = orEmpty(container.getResources().getRequests());
    Optional<Long> memory = Optional.ofNullable(limits.get("memory"))
        .map(quantity -> Quantity.getAmountInBytes(quantity).longValue());
    Optional<Long> period = Optional.empty();
    Optional<Long> quota = Optional.empty();
    if (limits.containsKey("cpu")) {
      BigDecimal cpus = limits.get("cpu").getNumericalAmount();
      period = Optional.of(CPU_PERIOD);
      quota = Optional.of(cpus.multiply(BigDecimal.valueOf(CPU_PERIOD))
          .setScale(0, RoundingMode.UP).longValue());
    }
    Quantity cpuRequest = requests.getOrDefault("cpu", limits.get("cpu"));
    Optional<Integer> shares = Optional.ofNullable(cpuRequest).map(cpu -> Math.max(2,
        cpu.getNumericalAmount().multiply(BigDecimal.valueOf(1024))
            .setScale(0, RoundingMode.HALF_UP).intValue()));
    return new ContainerConfig.Resources(memory, period, quota, shares);
  }

  private static String user(SecurityContext container, PodSecurityContext pod) {
    Long uid = container != null && container.getRunAsUser() != null ? container.getRunAsUser()
        : pod != null ? pod.getRunAsUser() : null;
    Long gid = container != null && container.getRunAsGroup() != null ? container.getRunAsGroup()
        : pod != null ? pod.getRunAsGroup() : null;
    if (uid == null) {
      return null;
    }
    return gid == null ? uid.toString() : uid + ":" + gid;
  }

  private static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
    return map == null ? new HashMap<>() : map;
  }
}
