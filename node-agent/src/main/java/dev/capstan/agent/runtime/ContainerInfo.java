package dev.capstan.agent.runtime;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One container as the engine describes it: what the pod status reports (state, exit code,
 * times, image) and what stopping it needs (its stop signal).
 *
 * @param imageId the image's content id ({@code sha256:...})
 * @param startedAt when it last started; empty if it never did
 * @param finishedAt when it last exited; empty if it has not
 * @param ip its address on the pod network (a sandbox's); empty if none
 * @param stopSignal the signal that asks it to stop (the image's {@code STOPSIGNAL}),
 *     {@code SIGTERM} by default
 */
public record ContainerInfo(String id, String imageId, Map<String, String> labels,
    boolean running, int exitCode, Optional<Instant> startedAt, Optional<Instant> finishedAt,
    boolean oomKilled, Optional<String> ip, String stopSignal) {

  public ContainerInfo {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    stopSignal = stopSignal == null || stopSignal.isEmpty() ? "SIGTERM" : stopSignal;
  }
}
