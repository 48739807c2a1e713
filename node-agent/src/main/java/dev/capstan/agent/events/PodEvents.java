package dev.capstan.agent.events;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Where the agent's pod logic reports what it did to a pod (Pulled, Started, Killing, BackOff
 * ...): {@link EventRecorder} writes core/v1 Events; tests keep them in a list.
 */
public interface PodEvents {

  /** An event about the pod, or about one of its containers when {@code container} is set. */
  void normal(Pod pod, String container, String reason, String message);

  void warning(Pod pod, String container, String reason, String message);
}
