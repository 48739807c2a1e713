package dev.capstan.agent.proxy;

import java.util.List;

/**
 * One port of one service, as the proxy programs it: where clients send (cluster IP and port,
 * node port, and for a LoadBalancer service the port on every node address) and the ready
 * endpoints behind it.
 *
 * @param namespace the service's namespace
 * @param service the service's name
 * @param portName the port's name, empty for a service's single unnamed port
 * @param protocol TCP, UDP or SCTP
 * @param clusterIp the service's cluster IP
 * @param port the service port
 * @param nodePort the node port, 0 for none
 * @param loadBalancer whether the port is also opened on every node address (type LoadBalancer)
 * @param endpoints the ready endpoints, as {@code ip:port}, sorted
 * @param affinitySeconds how long a client IP sticks to its endpoint (ClientIP affinity), 0 for
 *     no affinity
 */
record ServicePortTarget(String namespace, String service, String portName, String protocol,
    String clusterIp, int port, int nodePort, boolean loadBalancer, List<String> endpoints,
    int affinitySeconds) {

  /** {@code namespace/name:port}, as kube-proxy names a service port in its comments. */
  String displayName() {
    return namespace + "/" + service + (portName.isEmpty() ? "" : ":" + portName);
  }
}
