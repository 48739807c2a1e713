package dev.capstan.agent.network;

import dev.capstan.agent.host.HostCommand;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * Routes to the pod ranges of nodes on other machines, as flannel's host-gw does: for every other
 * node with a {@code spec.podCIDR} whose InternalIP is not an address of this machine,
 * {@code ip route replace <podCIDR> via <InternalIP>}; routes of nodes that went are removed.
 * Nodes on this machine (other agents beside this one) need no route: their bridges are local.
 * This needs the machines on one layer-2 network, as host-gw does.
 */
public final class PodRoutes {

  private static final Logger LOG = Logger.getLogger(PodRoutes.class.getName());

  private final KubernetesClient api;
  private final String self;
  private final Map<String, String> installed = new HashMap<>();

  public PodRoutes(KubernetesClient api, String self) {
    this.api = api;
    this.self = self;
  }

  /** Brings the routes to what the nodes ask for; called periodically. */
  public void sync() {
    Map<String, String> wanted = wanted(api.nodes().list().getItems(), self, localAddresses());
    for (var route : wanted.entrySet()) {
      if (!route.getValue().equals(installed.get(route.getKey()))
          && ip("route", "replace", route.getKey(), "via", route.getValue())) {
        installed.put(route.getKey(), route.getValue());
        LOG.info(() -> "Pods of " + route.getKey() + " are reached via " + route.getValue());
      }
    }
    for (String cidr : Set.copyOf(installed.keySet())) {
      if (!wanted.containsKey(cidr) && ip("route", "del", cidr)) {
        installed.remove(cidr);
      }
    }
  }

  /** Pod range to next hop, for the nodes on other machines. */
  static Map<String, String> wanted(Collection<Node> nodes, String self, Set<String> local) {
    Map<String, String> routes = new TreeMap<>();
    for (Node node : nodes) {
      if (node.getMetadata().getName().equals(self) || node.getSpec() == null
          || node.getSpec().getPodCIDR() == null || node.getSpec().getPodCIDR().isEmpty()
          || node.getStatus() == null || node.getStatus().getAddresses() == null) {
        continue;
      }
      node.getStatus().getAddresses().stream()
          .filter(address -> "InternalIP".equals(address.getType()))
          .map(NodeAddress::getAddress)
          .filter(address -> address != null && !local.contains(address))
          .findFirst()
          .ifPresent(via -> routes.put(node.getSpec().getPodCIDR(), via));
    }
    return routes;
  }

  private static Set<String> localAddresses() {
    Set<String> addresses = new HashSet<>();
    try {
      for (NetworkInterface nic : java.util.Collections.list(
          NetworkInterface.getNetworkInterfaces())) {
        for (InetAddress address : java.util.Collections.list(nic.getInetAddresses())) {
          addresses.add(address.getHostAddress());
        }
      }
    } catch (SocketException e) {
      LOG.fine(() -> "Cannot list this machine's addresses: " + e);
    }
    return addresses;
  }

  private static boolean ip(String... args) {
    String[] command = new String[args.length + 1];
    command[0] = "ip";
    System.arraycopy(args, 0, command, 1, args.length);
    HostCommand result = HostCommand.run(command);
    if (!result.succeeded()) {
      LOG.warning(() -> String.join(" ", command) + " failed: " + result.output().trim());
    }
    return result.succeeded();
  }
}
