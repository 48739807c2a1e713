package dev.capstan.allocation;

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
public record ServiceRange(long network, int prefixLength) {

  static final String DEFAULT = "10.96.0.0/12";

  public static ServiceRange configured() {
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
      long mask = (0xffffffffL << (32 - prefix)) & 0xffffffffL;
      return new ServiceRange(number(address) & mask, prefix);
    } catch (UnknownHostException | NumberFormatException e) {
      throw new IllegalArgumentException("not a CIDR range: " + cidr, e);
    }
  }

  /** The first usable address: the one Kubernetes gives the {@code kubernetes} service. */
  public String first() {
    return format(network + 1);
  }

  /** How many addresses may be handed out: all but the network and broadcast addresses. */
  long usable() {
    return (1L << (32 - prefixLength)) - 2;
  }

  /** The usable address at {@code index} (0 is {@link #first()}). */
  String usableAddress(long index) {
    return format(network + 1 + index);
  }

  /** Whether {@code ip} is a usable address of this range (not its network or broadcast). */
  boolean containsUsable(String ip) {
    if (!ip.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      return false;
    }
    try {
      long value = number(InetAddress.getByName(ip));
      return value > network && value < network + (1L << (32 - prefixLength)) - 1;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return format(network) + "/" + prefixLength;
  }

  private static long number(InetAddress address) {
    byte[] bytes = address.getAddress();
    return ((bytes[0] & 0xffL) << 24) | ((bytes[1] & 0xffL) << 16)
        | ((bytes[2] & 0xffL) << 8) | (bytes[3] & 0xffL);
  }

  static String format(long address) {
    return ((address >> 24) & 0xff) + "." + ((address >> 16) & 0xff) + "."
        + ((address >> 8) & 0xff) + "." + (address & 0xff);
  }
}
