package dev.capstan.agent.pods;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes a volume's files all at once, as the kubelet's {@code AtomicWriter} does: the files go
 * into a fresh hidden directory {@code ..<timestamp>}, the symlink {@code ..data} is switched to
 * it by one rename, and each top-level name is a symlink through {@code ..data}. A reader in a
 * container sees the old set or the new one, never half of each; a set that did not change is
 * not rewritten.
 */
final class AtomicWriter {

  static final String DATA = "..data";
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyy_MM_dd_HH_mm_ss.SSSSSSSSS").withZone(ZoneOffset.UTC);

  private AtomicWriter() {}

  /**
   * Makes {@code dir} hold exactly these files (relative paths to contents).
   *
   * @param mode the files' permission bits, e.g. {@code 0644}
   * @return whether anything changed
   */
  static boolean write(Path dir, Map<String, String> files, int mode, Clock clock)
      throws IOException {
    Files.createDirectories(dir);
    Path data = dir.resolve(DATA);
    if (Files.isSymbolicLink(data) && sameFiles(dir.resolve(Files.readSymbolicLink(data)),
        files)) {
      return false;
    }
    Path fresh = Files.createDirectory(dir.resolve(".." + STAMP.format(clock.instant())
        + "_" + Long.toHexString(System.nanoTime())));
    for (Map.Entry<String, String> file : files.entrySet()) {
      Path target = fresh.resolve(file.getKey()).normalize();
      if (!target.startsWith(fresh) || file.getKey().startsWith("..")) {
        continue; // Kubernetes' validation refuses such paths; never write outside
      }
      Files.createDirectories(target.getParent());
      Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(target, permissions(mode));
    }
    fresh.toFile().setReadable(true, false);
    fresh.toFile().setExecutable(true, false);
    Path previous = Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
    Path link = dir.resolve("..data_tmp");
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, fresh.getFileName());
    Files.move(link, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    for (String name : topLevelNames(files)) {
      Path visible = dir.resolve(name);
      if (!Files.isSymbolicLink(visible)) {
        Files.deleteIfExists(visible);
        Files.createSymbolicLink(visible, Path.of(DATA, name));
      }
    }
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        if (Files.isSymbolicLink(entry) && !name.startsWith("..")
            && !topLevelNames(files).contains(name)) {
          Files.delete(entry); // a key that went away
        }
      }
    }
    if (previous != null && !previous.equals(fresh)) {
      deleteTree(previous);
    }
    return true;
  }

  private static Set<String> topLevelNames(Map<String, String> files) {
    return files.keySet().stream().filter(path -> !path.startsWith(".."))
        .map(path -> Path.of(path).getName(0).toString())
        .collect(java.util.stream.Collectors.toSet());
  }

  private static boolean sameFiles(Path current, Map<String, String> files) throws IOException {
    if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    long count;
    try (Stream<Path> walk = Files.walk(current)) {
      count = walk.filter(Files::isRegularFile).count();
    }
    if (count != files.size()) {
      return false;
    }
    for (Map.Entry<String, String> file : files.entrySet()) {
      Path path = current.resolve(file.getKey());
      if (!Files.isRegularFile(path)
          || !Files.readString(path, StandardCharsets.UTF_8).equals(file.getValue())) {
        return false;
      }
    }
    return true;
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    StringBuilder text = new StringBuilder();
    String letters = "rwxrwxrwx";
    for (int bit = 8; bit >= 0; bit--) {
      text.append((mode & (1 << bit)) != 0 ? letters.charAt(8 - bit) : '-');
    }
    return PosixFilePermissions.fromString(text.toString());
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
