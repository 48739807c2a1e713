package dev.capstan.autoscaling;

import jakarta.json.JsonObject;
import java.util.List;

/**
 * Where the autoscaler reads pods' CPU and memory: the resource metrics API's PodMetrics
 * ({@code metrics.k8s.io/v1beta1}), as Kubernetes' HPA controller reads them through
 * kube-apiserver. The API module serves that API from the node agents and provides this
 * ({@link PodMetricsSource}): the control plane's decisions never call the agents themselves.
 */
public interface PodMetricsClient {

  /**
   * The PodMetrics of those of these pods that have metrics (their node's agent answered and
   * has sampled them twice), in the pods' order.
   */
  List<JsonObject> podMetrics(List<JsonObject> pods);
}
