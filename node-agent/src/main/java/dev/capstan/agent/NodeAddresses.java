package dev.capstan.agent;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

/** The node's own addresses, as the agent reports them when it is not told. */
final class NodeAddresses {

  private NodeAddresses() {}

  /** The first IPv4 address of an interface that is up and not loopback, else 127.0.0.1. */
  static String internalIp() {
    try {
      for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!network.isUp() || network.isLoopback() || network.isVirtual()
            || network.getName().startsWith("docker") || network.getName().startsWith("veth")) {
          continue;
        }
        for (InetAddress address : Collections.list(network.getInetAddresses())) {
          if (address instanceof Inet4Address) {
            return address.getHostAddress();
          }
        }
      }
    } catch (SocketException e) {
      // no interfaces to read
    }
    return "127.0.0.1";
  }
}
