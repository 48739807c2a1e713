package dev.capstan.agent.pods;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicWriterTest {

  @TempDir
  Path dir;

  @Test
  void filesAreReachedThroughTheDataSymlinkAndReplacedTogether() throws Exception {
    assertThat(AtomicWriter.write(dir, Map.of("token", "one", "ca.crt", "ca"), 0644,
        Clock.systemUTC())).isTrue();
    Path first = dir.resolve(Files.readSymbolicLink(dir.resolve("..data")));

    assertThat(AtomicWriter.write(dir, Map.of("token", "two", "ca.crt", "ca"), 0644,
        Clock.systemUTC())).isTrue();

    assertThat(Files.readString(dir.resolve("token"))).isEqualTo("two");
    assertThat(Files.readSymbolicLink(dir.resolve("token"))).isEqualTo(Path.of("..data/token"));
    assertThat(Files.readString(dir.resolve("ca.crt"))).isEqualTo("ca");
    assertThat(first).doesNotExist();
    try (Stream<Path> entries = Files.list(dir)) {
      assertThat(entries.map(p -> p.getFileName().toString())
          .filter(name -> name.startsWith("..") && !name.equals("..data"))).hasSize(1);
    }
  }

  @Test
  void unchangedFilesAreNotRewritten() throws Exception {
    AtomicWriter.write(dir, Map.of("namespace", "team-a"), 0644, Clock.systemUTC());
    Path link = Files.readSymbolicLink(dir.resolve("..data"));

    assertThat(AtomicWriter.write(dir, Map.of("namespace", "team-a"), 0644, Clock.systemUTC()))
        .isFalse();
    assertThat(Files.readSymbolicLink(dir.resolve("..data"))).isEqualTo(link);
  }

  @Test
  void aKeyThatWentAwayIsRemoved() throws Exception {
    AtomicWriter.write(dir, Map.of("a", "1", "b", "2"), 0644, Clock.systemUTC());
    AtomicWriter.write(dir, Map.of("a", "1"), 0644, Clock.systemUTC());

    assertThat(dir.resolve("b")).doesNotExist();
    assertThat(Files.isSymbolicLink(dir.resolve("b"))).isFalse();
  }

  @Test
  void tokensAreRefreshedAt80PercentOfTheirLifetimeOrAfterADay() {
    Instant issued = Instant.parse("2026-12-06T10:00:00Z");

    assertThat(PodVolumes.refreshAt(issued, issued.plusSeconds(3607)))
        .isEqualTo(issued.plus(Duration.ofSeconds(3607).multipliedBy(8).dividedBy(10)));
    assertThat(PodVolumes.refreshAt(issued, issued.plus(Duration.ofDays(365))))
        .isEqualTo(issued.plus(Duration.ofHours(24)));
  }
}
