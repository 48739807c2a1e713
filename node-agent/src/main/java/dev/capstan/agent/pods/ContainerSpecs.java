package dev.capstan.agent.pods;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Volume;
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
import java.util.function.UnaryOperator;

/**
 * Turns a pod's spec into Docker's create commands: the sandbox that holds the pod's network
 * (and its host ports), and each container joined to it with its command, environment,
 * working directory, resources, security settings and volume mounts.
 */
final class ContainerSpecs {

  private static final long CPU_PERIOD = 100_000;

  private ContainerSpecs() {}

  static UnaryOperator<CreateContainerCmd> sandbox(Pod pod, Map<String, String> labels,
      String name, PodDns dns, Optional<String> network) {
    List<ExposedPort> exposed = new ArrayList<>();
    Ports bindings = new Ports();
    for (Container container : EnvResolver.orEmpty(pod.getSpec().getContainers())) {
      for (ContainerPort port : EnvResolver.orEmpty(container.getPorts())) {
        if (port.getHostPort() == null || port.getHostPort() <= 0) {
          continue;
        }
        ExposedPort exposedPort = new ExposedPort(port.getContainerPort(),
            InternetProtocol.parse(port.getProtocol() == null ? "tcp"
                : port.getProtocol().toLowerCase()));
        exposed.add(exposedPort);
        bindings.bind(exposedPort, port.getHostIP() == null || port.getHostIP().isEmpty()
            ? Ports.Binding.bindPort(port.getHostPort())
            : Ports.Binding.bindIpAndPort(port.getHostIP(), port.getHostPort()));
      }
    }
    String hostname = pod.getSpec().getHostname() != null ? pod.getSpec().getHostname()
        : pod.getMetadata().getName();
    return create -> create
        .withName(name)
        .withLabels(labels)
        .withHostName(hostname.length() > 63 ? hostname.substring(0, 63) : hostname)
        .withExposedPorts(exposed)
        .withHostConfig(withDns(withNetwork(HostConfig.newHostConfig(), network)
            .withPortBindings(bindings)
            .withIpcMode("shareable")
            .withRestartPolicy(com.github.dockerjava.api.model.RestartPolicy.noRestart()), dns));
  }

  /** The node's pod network, which gives the sandbox its address from the node's range. */
  private static HostConfig withNetwork(HostConfig host, Optional<String> network) {
    return network.map(host::withNetworkMode).orElse(host);
  }

  /** The sandbox's resolv.conf, which the pod's containers share with its network. */
  private static HostConfig withDns(HostConfig host, PodDns dns) {
    if (!dns.nameservers().isEmpty()) {
      host.withDns(dns.nameservers());
    }
    if (!dns.searches().isEmpty()) {
      host.withDnsSearch(dns.searches());
    }
    if (!dns.options().isEmpty()) {
      host.withDnsOptions(dns.options());
    }
    return host;
  }

  static UnaryOperator<CreateContainerCmd> container(Pod pod, Container container,
      Map<String, String> labels, String name, String sandboxId, Map<String, String> env,
      Map<String, PodVolumes.HostVolume> volumes) {
    List<String> envList = new ArrayList<>();
    env.forEach((key, value) -> envList.add(key + "=" + value));
    List<String> command = EnvResolver.expandAll(container.getCommand(), env);
    List<String> args = EnvResolver.expandAll(container.getArgs(), env);
    HostConfig host = HostConfig.newHostConfig()
        .withNetworkMode("container:" + sandboxId)
        .withIpcMode("container:" + sandboxId)
        .withRestartPolicy(com.github.dockerjava.api.model.RestartPolicy.noRestart())
        .withBinds(binds(container, volumes));
    resources(container, host);
    SecurityContext security = container.getSecurityContext();
    PodSecurityContext podSecurity = pod.getSpec().getSecurityContext();
    if (security != null && Boolean.TRUE.equals(security.getPrivileged())) {
      host.withPrivileged(true);
    }
    if (security != null && Boolean.TRUE.equals(security.getReadOnlyRootFilesystem())) {
      host.withReadonlyRootfs(true);
    }
    String user = user(security, podSecurity);
    return create -> {
      create.withName(name).withLabels(labels).withEnv(envList).withHostConfig(host)
          .withTty(Boolean.TRUE.equals(container.getTty()))
          .withStdinOpen(Boolean.TRUE.equals(container.getStdin()))
          .withStdInOnce(Boolean.TRUE.equals(container.getStdinOnce()));
      if (!command.isEmpty()) {
        // A command replaces the image's entrypoint and, as in Kubernetes, its default arguments.
        create.withEntrypoint(command).withCmd(args);
      } else if (!args.isEmpty()) {
        create.withCmd(args);
      }
      if (container.getWorkingDir() != null && !container.getWorkingDir().isEmpty()) {
        create.withWorkingDir(container.getWorkingDir());
      }
      if (user != null) {
        create.withUser(user);
      }
      return create;
    };
  }

  private static List<Bind> binds(Container container,
      Map<String, PodVolumes.HostVolume> volumes) {
    List<Bind> binds = new ArrayList<>();
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
      binds.add(new Bind(source, new Volume(mount.getMountPath()),
          readOnly ? com.github.dockerjava.api.model.AccessMode.ro
              : com.github.dockerjava.api.model.AccessMode.rw));
    }
    return binds;
  }

  /** Limits become Docker's hard limits (CFS quota, memory); the cpu request its CPU shares. */
  static void resources(Container container, HostConfig host) {
    if (container.getResources() == null) {
      return;
    }
    Map<String, Quantity> limits = orEmpty(container.getResources().getLimits());
    Map<String, Quantity> requests = orEmpty(container.getResources().getRequests());
    if (limits.containsKey("memory")) {
      host.withMemory(Quantity.getAmountInBytes(limits.get("memory")).longValue());
    }
    if (limits.containsKey("cpu")) {
      BigDecimal cpus = limits.get("cpu").getNumericalAmount();
      host.withCpuPeriod(CPU_PERIOD).withCpuQuota(cpus.multiply(BigDecimal.valueOf(CPU_PERIOD))
          .setScale(0, RoundingMode.UP).longValue());
    }
    Quantity cpuRequest = requests.getOrDefault("cpu", limits.get("cpu"));
    if (cpuRequest != null) {
      host.withCpuShares(Math.max(2, cpuRequest.getNumericalAmount()
          .multiply(BigDecimal.valueOf(1024)).setScale(0, RoundingMode.HALF_UP).intValue()));
    }
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
