package dev.capstan.agent.pods;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.HashMap;
import java.util.Map;

/**
 * The Docker labels and names that tie a container to its node, pod and container spec, so an
 * agent finds its own containers after a restart and never touches another node's.
 */
final class PodLabels {

  static final String NODE = "io.capstan.node";
  static final String POD_UID = "io.capstan.pod.uid";
  static final String POD_NAMESPACE = "io.capstan.pod.namespace";
  static final String POD_NAME = "io.capstan.pod.name";
  static final String ROLE = "io.capstan.role";
  static final String CONTAINER = "io.capstan.container.name";
  static final String ATTEMPT = "io.capstan.container.attempt";
  static final String IMAGE = "io.capstan.container.image";
  static final String GRACE = "io.capstan.pod.grace-seconds";
  static final String SANDBOX = "sandbox";
  static final String APP = "container";

  private PodLabels() {}

  static Map<String, String> ofNode(String node) {
    return Map.of(NODE, node);
  }

  static Map<String, String> ofPod(String node, Pod pod, long graceSeconds) {
    Map<String, String> labels = new HashMap<>();
    labels.put(NODE, node);
    labels.put(POD_UID, pod.getMetadata().getUid());
    labels.put(POD_NAMESPACE, pod.getMetadata().getNamespace());
    labels.put(POD_NAME, pod.getMetadata().getName());
    labels.put(GRACE, Long.toString(graceSeconds));
    return labels;
  }

  /** Docker's name for one attempt of a container: {@code capstan_<container>_<pod>_<ns>_<uid>_<n>}. */
  static String containerName(Pod pod, String container, int attempt) {
    return "capstan_" + container + "_" + pod.getMetadata().getName() + "_"
        + pod.getMetadata().getNamespace() + "_" + pod.getMetadata().getUid().substring(0, 8)
        + "_" + attempt;
  }
}
