package dev.capstan.agent.network;

import dev.capstan.agent.host.HostCommand;
import dev.capstan.agent.host.HostNames;
import dev.capstan.agent.proxy.Iptables;
import dev.capstan.agent.runtime.docker.DockerRuntime;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * This node's pod network, as kubenet and flannel's host-gw make it: pods get addresses from the
 * node's {@code spec.podCIDR} (given by the control plane) on a bridge the agent manages (a Docker
 * bridge network named {@code capstan-<node>}), with no NAT between pods: the host forwards
 * between the cluster's pod addresses (a {@code DOCKER-USER} rule, so the bridges of several
 * agents on one machine reach each other) and masquerades only what leaves the cluster's pod
 * range. Routes to other machines' pod ranges are {@link PodRoutes}'.
 *
 * @param name the Docker network the pods' sandboxes join
 * @param cidr this node's pod range
 * @param gateway the bridge's address: the host as its pods reach it
 * @param clusterCidr the pod range of the whole cluster
 */
public record PodNetwork(String name, String cidr, String gateway, String clusterCidr) {

  private static final Logger LOG = Logger.getLogger(PodNetwork.class.getName());

  /**
   * Waits up to {@code wait} for the node's range and makes its bridge; empty when there is no
   * range or no bridge (pods then use Docker's default bridge, as before).
   */
  public static Optional<PodNetwork> prepare(KubernetesClient api, DockerRuntime docker,
      String nodeName, String clusterCidr, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    String cidr = null;
    while (cidr == null && System.nanoTime() < deadline) {
      Node node = api.nodes().withName(nodeName).get();
      if (node != null && node.getSpec() != null && node.getSpec().getPodCIDR() != null
          && !node.getSpec().getPodCIDR().isEmpty()) {
        cidr = node.getSpec().getPodCIDR();
      } else {
        Thread.sleep(250);
      }
    }
    if (cidr == null) {
      LOG.warning(() -> "Node " + nodeName + " has no pod range (spec.podCIDR); its pods use"
          + " Docker's default bridge");
      return Optional.empty();
    }
    PodNetwork network = new PodNetwork("capstan-" + nodeName, cidr, gateway(cidr), clusterCidr);
    removeStaleBridges(network.gateway(), network.bridge(nodeName), docker.namedBridges());
    if (!docker.ensureBridgeNetwork(network.name(), network.bridge(nodeName), network.cidr(),
        network.gateway())) {
      LOG.warning(() -> "Cannot make the pod bridge " + network.name() + " for "
          + network.cidr() + "; pods use Docker's default bridge");
      return Optional.empty();
    }
    LOG.info(() -> "Pods of node " + nodeName + " get addresses from " + network.cidr() + " on "
        + network.name());
    return Optional.of(network);
  }

  /**
   * Deletes capstan pod bridges left on this machine by a Docker engine that is gone (its data
   * removed, its networks forgotten) which still hold this node's gateway address: their route
   * to the range would shadow the new bridge's. Only bridges named like ours that the engine does
   * not know (not the device of any of its networks) and that are idle (state DOWN: no container
   * is attached) are touched, so a bridge of another node or cluster on this engine is left
   * alone even while it has no pods; when the engine cannot list its networks, none is touched.
   */
  private static void removeStaleBridges(String gateway, String ours,
      Optional<Set<String>> engineBridges) {
    if (engineBridges.isEmpty()) {
      return;
    }
    for (String line : HostCommand.run("ip", "-o", "-4", "addr", "show").output().lines().toList()) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length < 4 || !fields[3].startsWith(gateway + "/")) {
        continue;
      }
      String device = fields[1];
      if (device.startsWith("cap") && !device.equals(ours)
          && !engineBridges.get().contains(device)
          && HostCommand.run("ip", "-o", "link", "show", device).output()
              .contains("state DOWN")) {
        HostCommand.run("ip", "link", "delete", device);
        LOG.info(() -> "Deleted the idle stale pod bridge " + device + " that held " + gateway);
      }
    }
  }

  /** Lets pods reach pods of other bridges, and masquerades what leaves the cluster. */
  public void allowTraffic(Iptables iptables) throws Iptables.IptablesException {
    iptables.ensureFirst("filter", "DOCKER-USER", betweenPods());
    iptables.ensureFirst("nat", "POSTROUTING", leavingTheCluster());
  }

  /** Removes what {@link #allowTraffic} added. */
  public void removeTraffic(Iptables iptables) {
    iptables.deleteAll("filter", "DOCKER-USER", betweenPods());
    iptables.deleteAll("nat", "POSTROUTING", leavingTheCluster());
  }

  private List<String> betweenPods() {
    return List.of("-s", clusterCidr, "-d", clusterCidr, "-m", "comment", "--comment",
        comment(), "-j", "ACCEPT");
  }

  private List<String> leavingTheCluster() {
    return List.of("-s", cidr, "!", "-d", clusterCidr, "-m", "comment", "--comment", comment(),
        "-j", "MASQUERADE");
  }

  private String comment() {
    return "capstan pods " + name;
  }

  /** The bridge interface's name: at most 15 characters, unique per node name. */
  String bridge(String nodeName) {
    return "cap" + HostNames.hash(nodeName, 10);
  }

  /** The first address of the range. */
  static String gateway(String cidr) {
    String network = cidr.substring(0, cidr.indexOf('/'));
    String[] octets = network.split("\\.");
    return octets[0] + "." + octets[1] + "." + octets[2] + "."
        + (Integer.parseInt(octets[3]) + 1);
  }
}
