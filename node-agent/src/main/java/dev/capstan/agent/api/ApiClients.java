package dev.capstan.agent.api;

import dev.capstan.agent.AgentConfig;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * The agent's client of the API: fabric8's Kubernetes client with only what the configuration
 * says (no kubeconfig, no service-account files are read).
 */
public final class ApiClients {

  private ApiClients() {}

  public static KubernetesClient create(AgentConfig config) {
    ConfigBuilder builder = new ConfigBuilder(Config.empty())
        .withMasterUrl(config.apiServer())
        .withOauthToken(config.token())
        .withTrustCerts(config.insecure())
        .withConnectionTimeout(10_000)
        .withRequestTimeout(30_000)
        .withRequestRetryBackoffLimit(0)
        .withUserAgent("capstan-node-agent/" + config.nodeName());
    config.caFile().ifPresent(ca -> builder.withCaCertFile(ca.toString()));
    return new KubernetesClientBuilder().withConfig(builder.build()).build();
  }
}
