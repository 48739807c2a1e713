package dev.capstan.agent.runtime;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pod's sandbox: the container that holds its network namespace, address and host ports
 * (the CRI's {@code PodSandboxConfig}).
 *
 * @param network the network to join; empty for the engine's default
 * @param dnsServers the pod's nameservers; empty lists keep the engine's defaults
 */
public record SandboxConfig(String name, String image, Map<String, String> labels,
    String hostname, List<PortMapping> ports, Optional<String> network, List<String> dnsServers,
    List<String> dnsSearches, List<String> dnsOptions) {

  /** A container port published on the host. */
  public record PortMapping(int containerPort, String protocol, int hostPort, String hostIp) {}
}
