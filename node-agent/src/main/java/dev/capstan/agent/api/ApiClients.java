package dev.capstan.agent.api;

import dev.capstan.agent.AgentConfig;
import dev.capstan.agent.credentials.CredentialInterceptor;
import dev.capstan.agent.credentials.CredentialSource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * The agent's client of the API: fabric8's Kubernetes client with only what the configuration
 * says (no kubeconfig, no service-account files are read). Every request carries the node's
 * credential of the moment ({@link CredentialInterceptor}), so a renewed credential is used from
 * the next request on, and a refused one is replaced and the request retried.
 */
public final class ApiClients {

  private ApiClients() {}

  public static KubernetesClient create(AgentConfig config, CredentialSource credentials) {
    ConfigBuilder builder = new ConfigBuilder(Config.empty())
        .withMasterUrl(config.apiServer())
        .withTrustCerts(config.insecure())
        .withConnectionTimeout(10_000)
        .withRequestTimeout(30_000)
        .withRequestRetryBackoffLimit(0)
        .withUserAgent("capstan-node-agent/" + config.nodeName());
    config.caFile().ifPresent(ca -> builder.withCaCertFile(ca.toString()));
    CredentialInterceptor interceptor = new CredentialInterceptor(credentials);
    return new KubernetesClientBuilder().withConfig(builder.build())
        .withHttpClientBuilderConsumer(http -> http.addOrReplaceInterceptor(
            CredentialInterceptor.NAME, interceptor))
        .build();
  }
}
