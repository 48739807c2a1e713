package dev.capstan.agent.pods;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Optional;
import java.util.logging.Logger;

/** {@link PodApi} on the control plane's API, through fabric8's client. */
final class KubernetesPodApi implements PodApi {

  private static final Logger LOG = Logger.getLogger(KubernetesPodApi.class.getName());

  private final KubernetesClient api;
  private final String apiServer;

  KubernetesPodApi(KubernetesClient api, String apiServer) {
    this.api = api;
    this.apiServer = apiServer;
  }

  @Override
  public Optional<Pod> get(String namespace, String name) {
    return Optional.ofNullable(api.pods().inNamespace(namespace).withName(name).get());
  }

  @Override
  public void writeStatus(Pod pod, PodStatus status) {
    pod.setStatus(status);
    try {
      api.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409 || e.getCode() == 404) {
        LOG.fine(() -> "Status of " + PodSyncer.name(pod) + " not written (" + e.getCode()
            + "); the next sync writes it");
        return;
      }
      throw e;
    }
  }

  @Override
  public void deleteForGood(Pod pod) {
    String path = "/api/v1/namespaces/" + pod.getMetadata().getNamespace() + "/pods/"
        + pod.getMetadata().getName();
    String options = "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"gracePeriodSeconds\":0,"
        + "\"preconditions\":{\"uid\":\"" + pod.getMetadata().getUid() + "\"}}";
    try {
      api.raw(apiServer + path, "DELETE", options);
      LOG.info(() -> "Pod " + PodSyncer.name(pod) + " stopped and deleted");
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404 && e.getCode() != 409) {
        throw e;
      }
    }
  }
}
