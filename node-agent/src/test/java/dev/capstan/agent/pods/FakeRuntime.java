package dev.capstan.agent.pods;

import dev.capstan.agent.runtime.ContainerConfig;
import dev.capstan.agent.runtime.ContainerInfo;
import dev.capstan.agent.runtime.ContainerRuntime;
import dev.capstan.agent.runtime.ContainerSummary;
import dev.capstan.agent.runtime.SandboxConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * An in-memory {@link ContainerRuntime} for the pod phases' tests: containers are records that
 * run once started and exit on SIGKILL, or on their stop signal unless told to ignore it;
 * pulls end when the test says so; execs answer what the test says. Every call that changes
 * something is logged in {@link #calls}.
 */
final class FakeRuntime implements ContainerRuntime {

  static final class Box {
    final String id;
    final String name;
    final String image;
    final Map<String, String> labels;
    final long created;
    boolean running;
    int exitCode;
    Instant startedAt;
    Instant finishedAt;
    boolean ignoresStopSignal;

    Box(String id, String name, String image, Map<String, String> labels, long created) {
      this.id = id;
      this.name = name;
      this.image = image;
      this.labels = labels;
      this.created = created;
    }
  }

  final Map<String, Box> boxes = new LinkedHashMap<>();
  final Set<String> images = new HashSet<>();
  final Map<String, CompletableFuture<Void>> pulls = new HashMap<>();
  final List<String> calls = new ArrayList<>();
  /** Whether containers created from now on ignore their stop signal (trap "" TERM). */
  boolean ignoreStopSignal;
  Function<List<String>, CompletableFuture<ExecResult>> execs =
      command -> CompletableFuture.completedFuture(new ExecResult(0, ""));
  private final Clock clock;
  private int next;

  FakeRuntime(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized List<ContainerSummary> list(Map<String, String> labels) {
    return boxes.values().stream()
        .filter(box -> box.labels.entrySet().containsAll(labels.entrySet()))
        .map(box -> new ContainerSummary(box.id, box.labels, box.running, box.created))
        .toList();
  }

  @Override
  public synchronized Optional<ContainerInfo> inspect(String id) {
    Box box = boxes.get(id);
    if (box == null) {
      return Optional.empty();
    }
    return Optional.of(new ContainerInfo(box.id, "sha256:" + box.image, box.labels, box.running,
        box.exitCode, Optional.ofNullable(box.startedAt), Optional.ofNullable(box.finishedAt),
        false, box.labels.containsKey("sandbox") ? Optional.of("10.0.0.7") : Optional.empty(),
        "SIGTERM"));
  }

  @Override
  public synchronized boolean hasImage(String image) {
    return images.contains(image);
  }

  @Override
  public synchronized CompletableFuture<Void> pull(String image, Duration timeout) {
    calls.add("pull " + image);
    return pulls.computeIfAbsent(image, i -> new CompletableFuture<>());
  }

  /** Ends a pull: the image is here now. */
  void finishPull(String image) {
    CompletableFuture<Void> pull;
    synchronized (this) {
      images.add(image);
      pull = pulls.remove(image);
    }
    pull.complete(null);
  }

  @Override
  public synchronized String createSandbox(SandboxConfig config) {
    Map<String, String> labels = new HashMap<>(config.labels());
    labels.put("sandbox", "yes");
    return add(config.name(), config.image(), labels);
  }

  @Override
  public synchronized String create(ContainerConfig config) {
    calls.add("create " + config.name());
    return add(config.name(), config.image(), config.labels());
  }

  private String add(String name, String image, Map<String, String> labels) {
    String id = "c" + (++next);
    Box box = new Box(id, name, image, Map.copyOf(labels), clock.instant().getEpochSecond());
    box.ignoresStopSignal = ignoreStopSignal;
    boxes.put(id, box);
    return id;
  }

  @Override
  public synchronized void start(String id) {
    Box box = boxes.get(id);
    box.running = true;
    box.startedAt = clock.instant();
    box.finishedAt = null;
  }

  @Override
  public synchronized void signal(String id, String signal) {
    calls.add("signal " + id + " " + signal);
    Box box = boxes.get(id);
    if (box == null || !box.running) {
      return;
    }
    if (signal.equals("SIGKILL")) {
      exit(id, 137);
    } else if (!box.ignoresStopSignal) {
      exit(id, 143);
    }
  }

  /** The container's process ends by itself with this code. */
  synchronized void exit(String id, int code) {
    Box box = boxes.get(id);
    box.running = false;
    box.exitCode = code;
    box.finishedAt = clock.instant();
  }

  @Override
  public synchronized void remove(String id) {
    calls.add("remove " + id);
    boxes.remove(id);
  }

  @Override
  public CompletableFuture<ExecResult> exec(String id, List<String> command, Duration timeout) {
    synchronized (this) {
      calls.add("exec " + id + " " + String.join(" ", command));
    }
    return execs.apply(command);
  }

  /** The id of the newest attempt of a pod's container ({@code POD} for its sandbox). */
  synchronized String idOf(String container) {
    return boxes.values().stream()
        .filter(box -> container.equals(box.labels.get(PodLabels.CONTAINER))
            || container.equals("POD") && box.labels.containsKey("sandbox"))
        .reduce((first, second) -> second).map(box -> box.id).orElseThrow();
  }

  synchronized Box box(String id) {
    return boxes.get(id);
  }
}
