package dev.capstan.agent.proxy;

import dev.capstan.agent.host.HostCommand;
import java.util.ArrayList;
import java.util.List;

/** The host's iptables, through its command-line tools (waiting for the xtables lock). */
public final class Iptables {

  /** A command that failed, with what it said. */
  public static final class IptablesException extends Exception {
    IptablesException(String message) {
      super(message);
    }
  }

  /** Applies restore input without touching chains it does not name. */
  public void restore(String input) throws IptablesException {
    HostCommand result =
        HostCommand.run(List.of("iptables-restore", "-w", "5", "--noflush"), input);
    if (!result.succeeded()) {
      throw new IptablesException("iptables-restore failed: " + result.output().trim());
    }
  }

  /** The names of the chains of {@code table} that start with {@code prefix}. */
  public List<String> chains(String table, String prefix) throws IptablesException {
    HostCommand result = HostCommand.run("iptables-save", "-t", table);
    if (!result.succeeded()) {
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
    if (HostCommand.run(command(table, "-C", chain, rule), "").succeeded()) {
      return;
    }
    HostCommand inserted = HostCommand.run(command(table, "-I", chain, rule), "");
    if (!inserted.succeeded()) {
      throw new IptablesException("iptables -I " + chain + " failed: " + inserted.output().trim());
    }
  }

  /** Removes every copy of the rule from the chain. */
  public void deleteAll(String table, String chain, List<String> rule) {
    for (int i = 0; i < 10 && HostCommand.run(command(table, "-D", chain, rule), "").succeeded();
        i++) {
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
}
