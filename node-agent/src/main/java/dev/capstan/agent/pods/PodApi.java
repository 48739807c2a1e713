package dev.capstan.agent.pods;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.Optional;

/**
 * The three things a pod's sync asks of the API: read the pod, write its status, and delete it
 * for good once its containers are gone. Writes that lose a race (409, 404) are dropped: the
 * next sync looks again.
 */
interface PodApi {

  Optional<Pod> get(String namespace, String name);

  /** Writes the pod's status (the pod as read, with this status). */
  void writeStatus(Pod pod, PodStatus status);

  /** The last step of graceful deletion: the object goes, if it is still this uid. */
  void deleteForGood(Pod pod);
}
