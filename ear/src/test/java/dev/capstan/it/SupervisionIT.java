package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's supervision ({@code bin/lib/supervise.sh}) as it runs the control plane and the
 * node agent: a real JVM with {@code -XX:+ExitOnOutOfMemoryError} runs out of heap, exits with
 * status 3, and is started again after a back-off; a stop ends supervision, nothing restarts.
 */
class SupervisionIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path SUPERVISE = ROOT.resolve("bin/lib/supervise.sh");
  private static final Path PROGRAM = Path.of("src/test/resources/supervision/OutOfMemory.java")
      .toAbsolutePath();

  @TempDir
  Path dir;

  @Test
  void aJvmOutOfMemoryExitsAndIsStartedAgainAfterABackOff() throws Exception {
    Path runs = dir.resolve("runs");
    Path log = dir.resolve("part.log");

    Process supervision = supervise("0.2", runs, log);

    assertThat(supervision.waitFor(60, TimeUnit.SECONDS)).as("supervision ends").isTrue();
    assertThat(supervision.exitValue()).as("the third run ends normally").isZero();
    assertThat(Files.readAllLines(runs)).hasSize(3);
    String output = Files.readString(log);
    assertThat(output).contains("Terminating due to java.lang.OutOfMemoryError");
    assertThat(lines(output, "exited with status 3 (out of memory")).hasSize(2);
    assertThat(output).contains("starting it again in 0.2s").contains("starting it again in 0.4s");
    assertThat(Files.exists(dir.resolve("pid.supervisor"))).isFalse();
    assertThat(Files.readString(dir.resolve("pid")).strip()).matches("[0-9]+");
  }

  @Test
  void aStoppedSupervisionStartsNothingAgain() throws Exception {
    Path runs = dir.resolve("runs");
    Path log = dir.resolve("part.log");

    Process supervision = supervise("3", runs, log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(log) || !Files.readString(log).contains("starting it again in 3s")) {
      assertThat(System.nanoTime()).as("the first out-of-memory exit").isLessThan(deadline);
      Thread.sleep(100);
    }
    // what bin/capstan down does first (stop_supervision): TERM the PID in PID_FILE.supervisor
    long supervisor = Long.parseLong(Files.readString(dir.resolve("pid.supervisor")).strip());
    assertThat(supervisor).isEqualTo(supervision.pid());
    ProcessHandle.of(supervisor).orElseThrow().destroy();

    assertThat(supervision.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(supervision.exitValue()).isEqualTo(143);
    Thread.sleep(4000);
    assertThat(Files.readAllLines(runs)).as("not started again").hasSize(1);
  }

  private Process supervise(String backOff, Path runs, Path log) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(SUPERVISE.toString(), "part",
        dir.resolve("pid").toString(), "supervisor", "--", "java", "-Xmx16m",
        "-XX:+ExitOnOutOfMemoryError", PROGRAM.toString(), runs.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().put("CAPSTAN_RESTART_BACKOFF", backOff);
    return builder.start();
  }

  private static List<String> lines(String output, String containing) {
    return output.lines().filter(line -> line.contains(containing)).toList();
  }
}
