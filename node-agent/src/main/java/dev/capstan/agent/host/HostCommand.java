package dev.capstan.agent.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command of this machine's own tools ({@code iptables}, {@code ip}) run to its end, with its
 * output (stdout and stderr together). A tool that is missing, hangs past 30 s or is interrupted
 * gives exit code -1 and says why in the output.
 *
 * @param exitCode the command's exit code
 * @param output what it printed
 */
public record HostCommand(int exitCode, String output) {

  public boolean succeeded() {
    return exitCode == 0;
  }

  public static HostCommand run(String... command) {
    return run(List.of(command), "");
  }

  /** Runs the command with {@code input} on its stdin. */
  public static HostCommand run(List<String> command, String input) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new HostCommand(-1, command.get(0) + " did not finish within 30 s");
      }
      return new HostCommand(process.exitValue(), output);
    } catch (IOException e) {
      return new HostCommand(-1, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new HostCommand(-1, "interrupted");
    }
  }
}
