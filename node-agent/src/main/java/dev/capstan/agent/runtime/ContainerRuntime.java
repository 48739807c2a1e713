package dev.capstan.agent.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What the agent's pod logic needs from a container engine, and no more: the kubelet's CRI and
 * Nomad's driver interface cut down to the agent's use. Every call is short (it never waits for
 * a container to exit or an image to arrive); whatever takes long ({@link #pull},
 * {@link #exec}) answers with a future. Records in, records out, so pod logic never sees an
 * engine's own types. Operations on a container already in the wanted state (stopped, gone)
 * succeed.
 */
public interface ContainerRuntime {

  /** Every container (running or not) carrying all of these labels. */
  List<ContainerSummary> list(Map<String, String> labels);

  /** One container in detail; empty when it is gone. */
  Optional<ContainerInfo> inspect(String id);

  boolean hasImage(String image);

  /** Pulls an image; the future ends when it is here, or fails with why it is not. */
  CompletableFuture<Void> pull(String image, Duration timeout);

  /** Creates (does not start) a pod's sandbox, the holder of its network: its id. */
  String createSandbox(SandboxConfig config);

  /** Creates (does not start) a container in a sandbox's namespaces: its id. */
  String create(ContainerConfig config);

  void start(String id);

  /**
   * Sends a signal ({@code SIGTERM}, {@code SIGKILL}, ...) to a container's main process and
   * returns at once: stopping is this plus, if it must, a {@code SIGKILL} later.
   */
  void signal(String id, String signal);

  /** Removes a container, killing it if it still runs, with its anonymous volumes. */
  void remove(String id);

  /**
   * Runs a command in a running container; the future ends with its exit code and output, or
   * fails when it takes longer than {@code timeout}.
   */
  CompletableFuture<ExecResult> exec(String id, List<String> command, Duration timeout);

  /** What a command run in a container printed, and how it exited. */
  record ExecResult(long exitCode, String output) {}
}
