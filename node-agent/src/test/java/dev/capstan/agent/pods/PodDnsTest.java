package dev.capstan.agent.pods;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodDnsTest {

  private static PodBuilder pod() {
    return new PodBuilder().withNewMetadata().withNamespace("web").withName("p").endMetadata()
        .withNewSpec().endSpec();
  }

  @Test
  void clusterFirstPodsGetTheClusterDnsWithTheKubernetesSearchPath() {
    PodDns dns = PodDns.of(pod().build(), Optional.of("172.17.0.1"), "cluster.local");
    assertThat(dns.nameservers()).containsExactly("172.17.0.1");
    assertThat(dns.searches()).containsExactly("web.svc.cluster.local", "svc.cluster.local",
        "cluster.local");
    assertThat(dns.options()).containsExactly("ndots:5");
  }

  @Test
  void defaultPolicyAndHostNetworkKeepTheMachinesResolver() {
    Pod defaultPolicy = pod().editSpec().withDnsPolicy("Default").endSpec().build();
    Pod hostNetwork = pod().editSpec().withHostNetwork(true).endSpec().build();
    assertThat(PodDns.of(defaultPolicy, Optional.of("172.17.0.1"), "cluster.local").nameservers())
        .isEmpty();
    assertThat(PodDns.of(hostNetwork, Optional.of("172.17.0.1"), "cluster.local").nameservers())
        .isEmpty();
  }

  @Test
  void dnsConfigAddsToThePolicyAndNoneTakesOnlyIt() {
    Pod none = pod().editSpec().withDnsPolicy("None").withNewDnsConfig()
        .withNameservers("192.0.2.53").withSearches("corp.example").addNewOption()
        .withName("ndots").withValue("2").endOption().endDnsConfig().endSpec().build();
    PodDns dns = PodDns.of(none, Optional.of("172.17.0.1"), "cluster.local");
    assertThat(dns.nameservers()).containsExactly("192.0.2.53");
    assertThat(dns.searches()).containsExactly("corp.example");
    assertThat(dns.options()).containsExactly("ndots:2");
  }
}
