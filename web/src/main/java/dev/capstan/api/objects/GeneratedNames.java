package dev.capstan.api.objects;

import java.security.SecureRandom;

/**
 * Names for objects created with {@code metadata.generateName}: the prefix and five random
 * characters from Kubernetes' alphabet (no vowels, no look-alikes), e.g. {@code node-js-1m3cs}.
 */
final class GeneratedNames {

  private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
  private static final int SUFFIX_LENGTH = 5;
  private static final int MAX_PREFIX_LENGTH = 63 - SUFFIX_LENGTH;
  private static final SecureRandom RANDOM = new SecureRandom();

  private GeneratedNames() {}

  static String next(String prefix) {
    String base = prefix.length() > MAX_PREFIX_LENGTH ? prefix.substring(0, MAX_PREFIX_LENGTH) : prefix;
    StringBuilder name = new StringBuilder(base);
    for (int i = 0; i < SUFFIX_LENGTH; i++) {
      name.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return name.toString();
  }
}
