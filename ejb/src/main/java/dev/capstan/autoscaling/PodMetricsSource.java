package dev.capstan.autoscaling;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;
import java.util.List;

/**
 * The {@link PodMetricsClient} the API module provides once it has started, for the autoscaler
 * in this module, which cannot see the API module's classes. Until then (or if metrics cannot be
 * served) there are no metrics, which the autoscaler reports as Kubernetes' does when
 * metrics-server has nothing yet.
 */
@ApplicationScoped
public class PodMetricsSource implements PodMetricsClient {

  private volatile PodMetricsClient client = pods -> List.of();

  /** Called once by the API module with its reader of the node agents. */
  public void provide(PodMetricsClient client) {
    this.client = client;
  }

  @Override
  public List<JsonObject> podMetrics(List<JsonObject> pods) {
    return client.podMetrics(pods);
  }
}
