package dev.capstan.agent.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The host's iptables, through its command-line tools (waiting for the xtables lock). */
public final class Iptables {

  /** A command that failed, with what it said. */
  public static final class IptablesException extends Exception {
    IptablesException(String message) {
      super(message);
    }
  }

  private record Result(int exitCode, String output) {}

  /** Applies restore input without touching chains it does not name. */
  public void restore(String input) throws IptablesException {
    Result result = run(List.of("iptables-restore", "-w", "5", "--noflush"), input);
    if (result.exitCode() != 0) {
      throw new IptablesException("iptables-restore failed: " + result.output().trim());
    }
  }

  /** The names of the chains of {@code table} that start with {@code prefix}. */
  public List<String> chains(String table, String prefix) throws IptablesException {
    Result result = run(List.of("iptables-save", "-t", table), "");
    if (result.exitCode() != 0) {
      throw new IptablesException("iptables-save failed: " + result.output().trim());
    }
    List<String> chains = new ArrayList<>();
    for (String line : result.output().split("\n")) {
      if (line.startsWith(":" + prefix)) {
        chains.add(line.substring(1, line.indexOf(' ')));
      }
    }
    return chains;
  }

  /** Adds the rule at the top of the chain unless it is there. */
  public void ensureFirst(String table, String chain, List<String> rule) throws IptablesException {
    if (run(command(table, "-C", chain, rule), "").exitCode() == 0) {
      return;
    }
    Result inserted = run(command(table, "-I", chain, rule), "");
    if (inserted.exitCode() != 0) {
      throw new IptablesException("iptables -I " + chain + " failed: " + inserted.output().trim());
    }
  }

  /** Removes every copy of the rule from the chain. */
  public void deleteAll(String table, String chain, List<String> rule) {
    for (int i = 0; i < 10 && run(command(table, "-D", chain, rule), "").exitCode() == 0; i++) {
      // once per copy
    }
  }

  private static List<String> command(String table, String action, String chain,
      List<String> rule) {
    List<String> command = new ArrayList<>(List.of("iptables", "-w", "5", "-t", table, action,
        chain));
    command.addAll(rule);
    return command;
  }

  private static Result run(List<String> command, String input) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(-1, command.get(0) + " did not finish within 30 s");
      }
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      return new Result(-1, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }
}
