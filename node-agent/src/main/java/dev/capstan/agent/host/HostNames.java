package dev.capstan.agent.host;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Short, stable names for what the agent makes on the host (iptables chains, bridge interfaces),
 * whose lengths the kernel limits: a prefix of a SHA-256 of what they stand for.
 */
public final class HostNames {

  private HostNames() {}

  /** The first {@code length} lowercase hex digits of the text's SHA-256. */
  public static String hash(String text, int length) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, length);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
