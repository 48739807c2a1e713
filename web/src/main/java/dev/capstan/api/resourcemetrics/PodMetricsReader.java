package dev.capstan.api.resourcemetrics;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.api.nodes.NodeSummaries;
import dev.capstan.autoscaling.PodMetricsClient;
import dev.capstan.autoscaling.PodMetricsSource;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.entity.StoredObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PodMetrics of given pods, read from the agents of the nodes they run on
 * ({@link NodeSummaries}): what {@code kubectl top pods} is served and what the horizontal pod
 * autoscaler reads. Provided to the control plane's autoscaler ({@link PodMetricsSource}) when
 * the API module starts, so both read the agents through the same cache.
 */
@ApplicationScoped
public class PodMetricsReader implements PodMetricsClient {

  @Inject
  private ObjectStore store;

  @Inject
  private NodeSummaries summaries;

  @Inject
  private PodMetricsSource source;

  void started(@Observes @Initialized(ApplicationScoped.class) Object context) {
    source.provide(this);
  }

  /**
   * The pods' metrics, in the pods' order (by namespace, then name), reading only the nodes
   * they run on.
   */
  @Override
  public List<JsonObject> podMetrics(List<JsonObject> pods) {
    Set<String> nodeNames = new LinkedHashSet<>();
    for (JsonObject pod : pods) {
      String nodeName = object(pod, "spec").getString("nodeName", "");
      if (!nodeName.isEmpty()) {
        nodeNames.add(nodeName);
      }
    }
    List<JsonObject> nodes = new ArrayList<>();
    for (String nodeName : nodeNames) {
      store.get(ResourceTypes.NODE.key("", nodeName)).map(StoredObject::json)
          .ifPresent(nodes::add);
    }
    Map<String, Map<String, JsonObject>> podStats = new HashMap<>();
    summaries.of(nodes).forEach((node, summary) ->
        podStats.put(node, MetricsBodies.podsOf(summary)));
    Instant now = Instant.now();
    List<JsonObject> metrics = new ArrayList<>();
    for (JsonObject pod : pods) {
      JsonObject metadata = object(pod, "metadata");
      JsonObject stats = podStats.getOrDefault(object(pod, "spec").getString("nodeName", ""),
          Map.of()).get(metadata.getString("namespace", "") + "/"
              + metadata.getString("name", ""));
      if (stats != null) {
        MetricsBodies.pod(pod, stats, now).ifPresent(metrics::add);
      }
    }
    return metrics;
  }
}
