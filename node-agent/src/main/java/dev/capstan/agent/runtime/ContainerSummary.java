package dev.capstan.agent.runtime;

import java.util.Map;

/**
 * A container as a listing shows it: enough to group a node's containers by pod and attempt
 * without asking for each one.
 *
 * @param createdEpochSeconds when it was created, in seconds since the epoch
 */
public record ContainerSummary(String id, Map<String, String> labels, boolean running,
    long createdEpochSeconds) {

  public ContainerSummary {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }
}
