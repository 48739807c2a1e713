package dev.capstan.agent.runtime.docker;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Volume;
import dev.capstan.agent.runtime.ContainerConfig;
import dev.capstan.agent.runtime.ContainerInfo;
import dev.capstan.agent.runtime.SandboxConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The agent's container records in Docker's terms: create commands from sandbox and container
 * configs, and a {@link ContainerInfo} from Docker's inspection. Docker restarts nothing by
 * itself ({@code no} restart policy): restarting is the agent's decision.
 */
final class DockerSpecs {

  private DockerSpecs() {}

  static UnaryOperator<CreateContainerCmd> sandbox(SandboxConfig config) {
    List<ExposedPort> exposed = new ArrayList<>();
    Ports bindings = new Ports();
    for (SandboxConfig.PortMapping port : config.ports()) {
      ExposedPort exposedPort = new ExposedPort(port.containerPort(),
          InternetProtocol.parse(port.protocol() == null ? "tcp" : port.protocol().toLowerCase()));
      exposed.add(exposedPort);
      bindings.bind(exposedPort, port.hostIp() == null || port.hostIp().isEmpty()
          ? Ports.Binding.bindPort(port.hostPort())
          : Ports.Binding.bindIpAndPort(port.hostIp(), port.hostPort()));
    }
    HostConfig host = HostConfig.newHostConfig()
        .withPortBindings(bindings)
        .withIpcMode("shareable")
        .withRestartPolicy(RestartPolicy.noRestart());
    config.network().ifPresent(host::withNetworkMode);
    if (!config.dnsServers().isEmpty()) {
      host.withDns(config.dnsServers());
    }
    if (!config.dnsSearches().isEmpty()) {
      host.withDnsSearch(config.dnsSearches());
    }
    if (!config.dnsOptions().isEmpty()) {
      host.withDnsOptions(config.dnsOptions());
    }
    return create -> create
        .withName(config.name())
        .withLabels(config.labels())
        .withHostName(config.hostname())
        .withExposedPorts(exposed)
        .withHostConfig(host);
  }

  static UnaryOperator<CreateContainerCmd> container(ContainerConfig config) {
    List<Bind> binds = config.mounts().stream()
        .map(mount -> new Bind(mount.hostPath(), new Volume(mount.containerPath()),
            mount.readOnly() ? AccessMode.ro : AccessMode.rw))
        .toList();
    HostConfig host = HostConfig.newHostConfig()
        .withNetworkMode("container:" + config.sandboxId())
        .withIpcMode("container:" + config.sandboxId())
        .withRestartPolicy(RestartPolicy.noRestart())
        .withBinds(binds);
    ContainerConfig.Resources resources = config.resources();
    resources.memoryBytes().ifPresent(host::withMemory);
    resources.cpuPeriod().ifPresent(host::withCpuPeriod);
    resources.cpuQuota().ifPresent(host::withCpuQuota);
    resources.cpuShares().ifPresent(host::withCpuShares);
    if (config.privileged()) {
      host.withPrivileged(true);
    }
    if (config.readOnlyRootFilesystem()) {
      host.withReadonlyRootfs(true);
    }
    config.pidNamespaceOf().ifPresent(target -> host.withPidMode("container:" + target));
    return create -> {
      create.withName(config.name()).withLabels(config.labels()).withEnv(config.env())
          .withHostConfig(host)
          .withTty(config.tty())
          .withStdinOpen(config.stdin())
          .withStdInOnce(config.stdinOnce());
      if (!config.entrypoint().isEmpty()) {
        create.withEntrypoint(config.entrypoint()).withCmd(config.args());
      } else if (!config.args().isEmpty()) {
        create.withCmd(config.args());
      }
      config.workingDir().ifPresent(create::withWorkingDir);
      config.user().ifPresent(create::withUser);
      return create;
    };
  }

  static ContainerInfo info(InspectContainerResponse container, String stopSignal) {
    InspectContainerResponse.ContainerState state = container.getState();
    Long exitCode = state == null ? null : state.getExitCodeLong();
    return new ContainerInfo(container.getId(), container.getImageId(),
        container.getConfig() == null ? null : container.getConfig().getLabels(),
        state != null && Boolean.TRUE.equals(state.getRunning()),
        exitCode == null ? 0 : exitCode.intValue(),
        time(state == null ? null : state.getStartedAt()),
        time(state == null ? null : state.getFinishedAt()),
        state != null && Boolean.TRUE.equals(state.getOOMKilled()),
        ip(container), stopSignal);
  }

  /** Docker's RFC 3339 time; its zero time ({@code 0001-01-01...}) means never. */
  static Optional<Instant> time(String text) {
    if (text == null || text.isEmpty() || text.startsWith("0001-01-01")) {
      return Optional.empty();
    }
    return Optional.of(Instant.parse(text));
  }

  private static Optional<String> ip(InspectContainerResponse container) {
    var settings = container.getNetworkSettings();
    if (settings == null) {
      return Optional.empty();
    }
    String ip = settings.getIpAddress();
    if ((ip == null || ip.isEmpty()) && settings.getNetworks() != null) {
      ip = settings.getNetworks().values().stream()
          .map(network -> network.getIpAddress())
          .filter(address -> address != null && !address.isEmpty())
          .findFirst().orElse(null);
    }
    return ip == null || ip.isEmpty() ? Optional.empty() : Optional.of(ip);
  }
}
