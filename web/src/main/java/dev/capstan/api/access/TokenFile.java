package dev.capstan.api.access;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.capstan.access.User;

/**
 * Bearer tokens from a file in kube-apiserver's {@code --token-auth-file} format: one
 * {@code token,user,uid,"group1,group2"} per line, {@code #} comments. Only SHA-256 digests of
 * the tokens are kept in memory, compared in constant time. The file is read again when it
 * changes, so tokens can be added (a new node agent) without a restart.
 */
public final class TokenFile {

  private final Path path;
  private volatile FileTime loadedAt;
  private volatile Map<String, User> usersByDigest = Map.of();

  public TokenFile(Path path) {
    this.path = path;
  }

  /** The user a token belongs to, if any. */
  public Optional<User> authenticate(String token) {
    reloadIfChanged();
    byte[] digest = digest(token);
    User found = null;
    for (Map.Entry<String, User> entry : usersByDigest.entrySet()) {
      // Compare every entry, so the time taken does not tell which tokens exist.
      if (MessageDigest.isEqual(digest, hex(entry.getKey()))) {
        found = entry.getValue();
      }
    }
    return Optional.ofNullable(found);
  }

  private void reloadIfChanged() {
    try {
      FileTime modified = Files.getLastModifiedTime(path);
      if (!modified.equals(loadedAt)) {
        usersByDigest = parse(Files.readAllLines(path, StandardCharsets.UTF_8));
        loadedAt = modified;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the token file " + path, e);
    }
  }

  static Map<String, User> parse(List<String> lines) {
    Map<String, User> users = new HashMap<>();
    for (String line : lines) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      List<String> fields = csv(trimmed);
      if (fields.size() < 3 || fields.get(0).isEmpty() || fields.get(1).isEmpty()) {
        continue;
      }
      List<String> groups = fields.size() > 3 && !fields.get(3).isEmpty()
          ? Arrays.stream(fields.get(3).split(",")).map(String::strip).toList()
          : List.of();
      users.put(hexOf(digest(fields.get(0))), new User(fields.get(1), fields.get(2), groups));
    }
    return Map.copyOf(users);
  }

  /** Splits one CSV line; a quoted field may hold commas. */
  private static List<String> csv(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (char c : line.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        fields.add(field.toString().strip());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    fields.add(field.toString().strip());
    return fields;
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hexOf(byte[] bytes) {
    StringBuilder hex = new StringBuilder();
    for (byte b : bytes) {
      hex.append(String.format("%02x", b));
    }
    return hex.toString();
  }

  private static byte[] hex(String hex) {
    byte[] bytes = new byte[hex.length() / 2];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return bytes;
  }
}
