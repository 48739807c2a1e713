package dev.capstan.controlplane;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;

/**
 * The address and HTTPS port at which this server's API is reached by pods and agents: the
 * {@code capstan.advertise.address} system property, else the bind address when it is a single
 * one, else the machine's first non-loopback IPv4 address. The port is WildFly's {@code https}
 * socket binding with its offset.
 */
final class ApiServerAddress {

  private ApiServerAddress() {}

  static String address() {
    String advertised = System.getProperty("capstan.advertise.address", "");
    if (!advertised.isBlank()) {
      return advertised.trim();
    }
    String bind = System.getProperty("jboss.bind.address", "127.0.0.1");
    try {
      InetAddress address = InetAddress.getByName(bind);
      if (!address.isAnyLocalAddress()) {
        return address.getHostAddress();
      }
    } catch (UnknownHostException e) {
      // fall through to the machine's own address
    }
    return firstExternalIpv4();
  }

  static int port() {
    return Integer.getInteger("jboss.https.port", 8443)
        + Integer.getInteger("jboss.socket.binding.port-offset", 0);
  }

  private static String firstExternalIpv4() {
    try {
      for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!network.isUp() || network.isLoopback()) {
          continue;
        }
        for (InetAddress address : Collections.list(network.getInetAddresses())) {
          if (address instanceof Inet4Address) {
            return address.getHostAddress();
          }
        }
      }
    } catch (SocketException e) {
      // no interfaces to read: loopback it is
    }
    return "127.0.0.1";
  }
}
