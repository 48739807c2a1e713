package dev.capstan.agent.pods;

import java.util.Optional;

/**
 * How this node's pods are networked, settled once the node is registered (its pod range comes
 * from the control plane): the Docker network their sandboxes join, and the cluster DNS server
 * ClusterFirst pods resolve with. Empty values keep Docker's defaults.
 */
public final class PodNetworking {

  private volatile Optional<String> network = Optional.empty();
  private volatile Optional<String> dns = Optional.empty();

  public void use(Optional<String> network, Optional<String> dns) {
    this.network = network;
    this.dns = dns;
  }

  Optional<String> network() {
    return network;
  }

  Optional<String> dns() {
    return dns;
  }
}
