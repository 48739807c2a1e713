package dev.capstan.agent.events;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Records core/v1 Events about pods, as the kubelet does (source {@code kubelet} on this node),
 * aggregated like client-go's event correlator: the same reason and message about the same
 * object and container within the cache's memory is one Event whose {@code count} and
 * {@code lastTimestamp} grow, not a new Event each time. Recording never fails the caller: an
 * Event that cannot be written is logged and dropped.
 */
public final class EventRecorder implements PodEvents {

  private static final Logger LOG = Logger.getLogger(EventRecorder.class.getName());
  private static final int CACHE_SIZE = 4096;

  private record Recorded(String name, int count) {}

  private final KubernetesClient api;
  private final String node;
  private final Clock clock;
  private final Map<String, Recorded> recorded = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Recorded> eldest) {
      return size() > CACHE_SIZE;
    }
  };

  public EventRecorder(KubernetesClient api, String node, Clock clock) {
    this.api = api;
    this.node = node;
    this.clock = clock;
  }

  @Override
  public void normal(Pod pod, String container, String reason, String message) {
    record(pod, container, "Normal", reason, message);
  }

  @Override
  public void warning(Pod pod, String container, String reason, String message) {
    record(pod, container, "Warning", reason, message);
  }

  private void record(Pod pod, String container, String type, String reason, String message) {
    String namespace = pod.getMetadata().getNamespace();
    String fieldPath = fieldPath(pod, container);
    String key = pod.getMetadata().getUid() + "|" + fieldPath + "|" + type + "|" + reason + "|"
        + message;
    String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
    try {
      Recorded previous;
      synchronized (recorded) {
        previous = recorded.get(key);
      }
      if (previous != null && increment(namespace, previous, now)) {
        synchronized (recorded) {
          recorded.put(key, new Recorded(previous.name(), previous.count() + 1));
        }
        return;
      }
      String name = pod.getMetadata().getName() + "." + Long.toHexString(
          Instant.now(clock).toEpochMilli() * 1_000_000L + System.nanoTime() % 1_000_000L);
      Event event = new EventBuilder()
          .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
          .withNewInvolvedObject()
          .withApiVersion("v1").withKind("Pod").withNamespace(namespace)
          .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid())
          .withResourceVersion(pod.getMetadata().getResourceVersion())
          .withFieldPath(fieldPath)
          .endInvolvedObject()
          .withType(type).withReason(reason).withMessage(message)
          .withNewSource().withComponent("kubelet").withHost(node).endSource()
          .withReportingComponent("kubelet").withReportingInstance(node)
          .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
          .build();
      api.v1().events().inNamespace(namespace).resource(event).create();
      synchronized (recorded) {
        recorded.put(key, new Recorded(name, 1));
      }
    } catch (KubernetesClientException e) {
      LOG.fine(() -> "Event " + reason + " for pod " + namespace + "/"
          + pod.getMetadata().getName() + " not recorded: " + e.getMessage());
    }
  }

  /** The container's place in the pod spec, as the kubelet's object references name it. */
  static String fieldPath(Pod pod, String container) {
    if (container == null) {
      return null;
    }
    boolean init = pod.getSpec() != null && pod.getSpec().getInitContainers() != null
        && pod.getSpec().getInitContainers().stream()
            .anyMatch(c -> container.equals(c.getName()));
    return (init ? "spec.initContainers{" : "spec.containers{") + container + "}";
  }

  private boolean increment(String namespace, Recorded previous, String now) {
    try {
      api.v1().events().inNamespace(namespace).withName(previous.name())
          .patch(PatchContext.of(PatchType.JSON_MERGE),
              "{\"count\":" + (previous.count() + 1) + ",\"lastTimestamp\":\"" + now + "\"}");
      return true;
    } catch (KubernetesClientException e) {
      return false;
    }
  }
}
