package dev.capstan.api.access.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {

  @TempDir
  Path dir;

  private List<Path> files() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }

  @Test
  void writesEveryLineOnClose() throws Exception {
    Path file = dir.resolve("audit.log");
    AuditLog log = new AuditLog(file, 0, 0, 100);
    for (int i = 0; i < 50; i++) {
      log.write("{\"n\":" + i + "}");
    }
    log.close();
    assertThat(Files.readAllLines(file)).hasSize(50).startsWith("{\"n\":0}").endsWith("{\"n\":49}");
    assertThat(log.dropped()).isZero();
  }

  @Test
  void rotatesBySizeAndKeepsMaxBackups() throws Exception {
    Path file = dir.resolve("audit.log");
    String line = "x".repeat(99);
    AuditLog log = new AuditLog(file, 1000, 2, 1000);
    for (int i = 0; i < 55; i++) {
      log.write(line);
      if (i % 10 == 9) {
        Thread.sleep(5); // distinct backup names
      }
    }
    log.close();
    List<Path> files = files();
    // 55 lines of 100 bytes, 10 to a file: the current one and at most two backups
    assertThat(files).hasSize(3).contains(file);
    for (Path each : files) {
      assertThat(Files.size(each)).isLessThanOrEqualTo(1000);
      assertThat(each.getFileName().toString()).matches("audit(-[0-9T.:-]+)?\\.log");
    }
    assertThat(Files.readAllLines(file)).hasSize(5);
  }

  @Test
  void aFullQueueDropsAndCounts() throws Exception {
    Path file = dir.resolve("audit.log");
    AuditLog log = new AuditLog(file, 0, 0, 1);
    for (int i = 0; i < 10_000; i++) {
      log.write("line");
    }
    log.close();
    assertThat(log.dropped()).isPositive();
    assertThat(Files.readAllLines(file).size() + log.dropped()).isEqualTo(10_000);
  }
}
