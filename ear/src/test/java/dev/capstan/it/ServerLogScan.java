package dev.capstan.it;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class whose run left an unexpected exception in the suite server's log
 * ({@code <it.dir>/capstan/log/server.log}): a line of {@code dev.capstan.defect} (every
 * unexpected exception the API answered with a 500, see
 * {@code dev.capstan.api.status.Defects}), or any ERROR entry with a stack trace, unless it is
 * one of the {@link #EXPECTED} kinds, each with the reason it is not a defect. Registered for
 * every test class (META-INF/services, with extension autodetection in junit-platform.properties).
 */
public class ServerLogScan implements BeforeAllCallback, AfterAllCallback {

  /** Where the class's part of the log starts. */
  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(ServerLogScan.class);

  /** The first line of a log entry: {@code 2026-12-06 17:29:18,684 ERROR [category] (thread) ...}. */
  private static final Pattern ENTRY = Pattern.compile(
      "^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2},\\d{3} (\\w+)\\s+\\[([^\\]]*)\\] .*");

  /** Logged by Defects before each unexpected exception's stack trace. */
  static final String DEFECT_MARKER = "CAPSTAN-DEFECT";

  /** ERROR entries with a stack trace that are not defects, and why. */
  private static final List<Expected> EXPECTED = List.of(
      new Expected("Undertow cannot close the response of a client that already closed its"
          + " connection (a watch or log stream the test stopped reading)",
          entry -> entry.contains("UT005088") && entry.contains("ClosedChannelException")),
      new Expected("the change feed's thread interrupted in a query when undeployment stops it"
          + " (logged a few milliseconds before the web context's unregistration)",
          entry -> entry.contains("(capstan-change-feed)")
              && entry.contains("IJ031013: Interrupted attempting lock")),
      new Expected("a component called while the application is being undeployed at the end of a"
          + " run (a controller worker or an event observer racing the EJBs' stop): these"
          + " exceptions exist only while components stop",
          entry -> rootCause(entry).contains("ComponentIsStoppedException")
              || rootCause(entry).contains("EJBComponentUnavailableException")));

  record Expected(String reason, Predicate<String> matches) {}

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getStore(STORE).put("offset", size(log()));
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    Path log = log();
    Long offset = context.getStore(STORE).get("offset", Long.class);
    if (offset == null || !Files.exists(log)) {
      return;
    }
    List<String> defects = defects(beforeUndeployment(read(log, size(log) < offset ? 0
        : offset)));
    if (!defects.isEmpty()) {
      throw new AssertionError("The server logged " + defects.size() + " unexpected exception(s)"
          + " while " + context.getDisplayName() + " ran (" + log + "):\n"
          + String.join("\n", defects));
    }
  }

  /**
   * The part of the log written before the class's EAR was undeployed: threads stopped midway
   * through undeployment (the change feed interrupted in a query, observers of a stopped
   * component) log errors that are shutdown's, not a request's.
   */
  static String beforeUndeployment(String text) {
    int undeploy = text.indexOf("WFLYUT0022: Unregistered web context");
    if (undeploy < 0) {
      return text;
    }
    int lineStart = text.lastIndexOf('\n', undeploy);
    return lineStart < 0 ? "" : text.substring(0, lineStart + 1);
  }

  /** Each unexpected entry, as its first line and the root cause of its stack trace. */
  static List<String> defects(String text) {
    List<String> defects = new ArrayList<>();
    for (String entry : entries(text)) {
      Matcher first = ENTRY.matcher(entry.lines().findFirst().orElse(""));
      boolean error = first.matches() && (first.group(1).equals("ERROR")
          || first.group(1).equals("SEVERE"));
      boolean stackTrace = entry.contains("\n\tat ") || entry.contains("\nCaused by: ");
      boolean defect = entry.contains(DEFECT_MARKER) || error && stackTrace
          && EXPECTED.stream().noneMatch(expected -> expected.matches().test(entry));
      if (defect) {
        String line = entry.lines().findFirst().orElse("");
        defects.add("  " + (line.length() > 400 ? line.substring(0, 400) + "..." : line)
            + "\n    root cause: " + rootCause(entry));
      }
    }
    return defects;
  }

  /** The log split into entries: a first line and the lines (a stack trace) that follow it. */
  static List<String> entries(String text) {
    List<String> entries = new ArrayList<>();
    StringBuilder current = null;
    for (String line : text.split("\n", -1)) {
      if (ENTRY.matcher(line).matches()) {
        if (current != null) {
          entries.add(current.toString());
        }
        current = new StringBuilder(line);
      } else if (current != null) {
        current.append('\n').append(line);
      }
    }
    if (current != null) {
      entries.add(current.toString());
    }
    return entries;
  }

  /** The last {@code Caused by:} of an entry, else the exception on its first line. */
  static String rootCause(String entry) {
    String cause = "";
    for (String line : entry.split("\n")) {
      if (line.startsWith("Caused by: ")) {
        cause = line.substring("Caused by: ".length());
      }
    }
    if (!cause.isEmpty()) {
      return cause;
    }
    String[] lines = entry.split("\n");
    if (lines.length > 1 && !lines[1].startsWith("\tat ")) {
      return lines[1].trim();
    }
    String first = lines[0];
    int exception = first.indexOf(": ", first.indexOf(") ") + 2);
    return exception < 0 ? first : first.substring(exception + 2);
  }

  private static Path log() {
    return Path.of(System.getProperty("it.dir", "target/it"), "capstan", "log", "server.log");
  }

  private static long size(Path log) {
    try {
      return Files.exists(log) ? Files.size(log) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private static String read(Path log, long from) throws IOException {
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      long length = file.length() - from;
      byte[] bytes = new byte[(int) Math.min(length, 256L * 1024 * 1024)];
      file.seek(from);
      file.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }
}
