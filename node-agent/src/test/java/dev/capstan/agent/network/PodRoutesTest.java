package dev.capstan.agent.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PodRoutesTest {

  private static Node node(String name, String cidr, String ip) {
    NodeBuilder builder = new NodeBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withPodCIDR(cidr).endSpec().withNewStatus().endStatus();
    if (ip != null) {
      builder.editStatus().addNewAddress().withType("InternalIP").withAddress(ip).endAddress()
          .endStatus();
    }
    return builder.build();
  }

  @Test
  void otherMachinesPodRangesAreReachedViaTheirAddressAndLocalOnesNeedNoRoute() {
    var routes = PodRoutes.wanted(List.of(
            node("me", "10.244.0.0/24", "192.168.1.10"),
            node("beside-me", "10.244.1.0/24", "192.168.1.10"),
            node("far", "10.244.2.0/24", "192.168.1.11"),
            node("no-range", null, "192.168.1.12"),
            node("no-address", "10.244.3.0/24", null)),
        "me", Set.of("192.168.1.10", "127.0.0.1"));

    assertThat(routes).containsExactly(java.util.Map.entry("10.244.2.0/24", "192.168.1.11"));
  }

  @Test
  void theGatewayIsTheRangesFirstAddress() {
    assertThat(PodNetwork.gateway("10.244.7.0/24")).isEqualTo("10.244.7.1");
  }
}
