package dev.capstan.controlplane;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The IPv4 range cluster IPs come from ({@code capstan.service.cidr}, default 10.96.0.0/12 as in
 * Kubernetes).
 *
 * @param network the range's first address, as an unsigned 32-bit number
 * @param prefixLength the number of fixed leading bits
 */
record ServiceRange(long network, int prefixLength) {

  static final String DEFAULT = "10.96.0.0/12";

  static ServiceRange configured() {
    return parse(System.getProperty("capstan.service.cidr", DEFAULT));
  }

  static ServiceRange parse(String cidr) {
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("not a CIDR range: " + cidr);
    }
    try {
      InetAddress address = InetAddress.getByName(cidr.substring(0, slash));
      if (!(address instanceof Inet4Address)) {
        throw new IllegalArgumentException("only IPv4 service ranges are supported: " + cidr);
      }
      int prefix = Integer.parseInt(cidr.substring(slash + 1));
      if (prefix < 1 || prefix > 30) {
        throw new IllegalArgumentException(
            "a service range needs a prefix of 1 to 30 bits: " + cidr);
      }
      byte[] bytes = address.getAddress();
      long value = ((bytes[0] & 0xffL) << 24) | ((bytes[1] & 0xffL) << 16)
          | ((bytes[2] & 0xffL) << 8) | (bytes[3] & 0xffL);
      long mask = (0xffffffffL << (32 - prefix)) & 0xffffffffL;
      return new ServiceRange(value & mask, prefix);
    } catch (UnknownHostException | NumberFormatException e) {
      throw new IllegalArgumentException("not a CIDR range: " + cidr, e);
    }
  }

  /** The first usable address: the one Kubernetes gives the {@code kubernetes} service. */
  String first() {
    return format(network + 1);
  }

  static String format(long address) {
    return ((address >> 24) & 0xff) + "." + ((address >> 16) & 0xff) + "."
        + ((address >> 8) & 0xff) + "." + (address & 0xff);
  }
}
