package dev.capstan.agent.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProxyRulesTest {

  private final ProxyRules rules = new ProxyRules("CAP-abcdef");

  private static ServicePortTarget target(List<String> endpoints, int nodePort, int affinity) {
    return new ServicePortTarget("web", "node-js", "", "TCP", "10.96.0.12", 80, nodePort, false,
        endpoints, affinity);
  }

  @Test
  void threeEndpointsArePickedUniformlyAndEachDnatsToItsAddress() {
    String input = rules.render(List.of(target(
        List.of("172.17.0.2:80", "172.17.0.3:80", "172.17.0.4:80"), 0, 0)), Set.of());

    assertThat(input).containsPattern("-A CAP-abcdef-SERVICES -d 10.96.0.12/32 -p tcp -m tcp"
        + " --dport 80 -m comment --comment \"web/node-js\" -j CAP-abcdef-SVC-\\w{10}");
    assertThat(input).contains("--probability 0.33333333333 -j CAP-abcdef-SEP-")
        .contains("--probability 0.50000000000 -j CAP-abcdef-SEP-")
        .contains("-j DNAT --to-destination 172.17.0.2:80")
        .contains("-j DNAT --to-destination 172.17.0.3:80")
        .contains("-j DNAT --to-destination 172.17.0.4:80");
    assertThat(input.lines().filter(line -> line.contains("-j CAP-abcdef-SEP-")
        && !line.contains("statistic"))).as("the last endpoint catches the rest").hasSize(1);
    assertThat(input).contains("-j CAP-abcdef-MARK-MASQ")
        .contains("-A CAP-abcdef-SERVICES -m addrtype --dst-type LOCAL -j CAP-abcdef-NODEPORTS");
  }

  @Test
  void aNodePortJumpsToTheSameServiceChain() {
    String input = rules.render(List.of(target(List.of("172.17.0.2:80"), 30001, 0)), Set.of());

    String serviceChain = input.lines().filter(line -> line.startsWith(":CAP-abcdef-SVC-"))
        .findFirst().orElseThrow().substring(1, 25);
    assertThat(input).contains("-A CAP-abcdef-NODEPORTS -p tcp -m tcp --dport 30001"
        + " -m comment --comment \"web/node-js\" -j " + serviceChain);
  }

  @Test
  void clientIpAffinitySendsAClientBackToItsEndpoint() {
    String input = rules.render(List.of(target(List.of("172.17.0.2:80", "172.17.0.3:80"), 0,
        600)), Set.of());

    assertThat(input).containsPattern("-m recent --name (CAP-abcdef-SEP-\\w{10}) --rcheck"
        + " --seconds 600 --reap -j \\1");
    assertThat(input).containsPattern("-m recent --name CAP-abcdef-SEP-\\w{10} --set -j DNAT");
  }

  @Test
  void aServiceWithoutEndpointsIsRejectedNotBlackholed() {
    String input = rules.render(List.of(target(List.of(), 30002, 0)), Set.of());

    assertThat(input).contains("-A CAP-abcdef-FILTER -d 10.96.0.12/32 -p tcp -m tcp --dport 80"
        + " -m comment --comment \"web/node-js\" -j REJECT --reject-with icmp-port-unreachable");
    assertThat(input).contains("-A CAP-abcdef-FILTER -m addrtype --dst-type LOCAL -p tcp -m tcp"
        + " --dport 30002");
    assertThat(input).doesNotContain("SVC-");
  }

  @Test
  void packetsToTheHostLoopbackFromElsewhereAreDroppedUnlessRewrittenByTheProxy() {
    String input = rules.render(List.of(), Set.of());

    String filter = input.substring(input.indexOf("*filter"));
    assertThat(filter).startsWith("*filter\n:CAP-abcdef-FILTER - [0:0]\n"
        + ":CAP-abcdef-FIREWALL - [0:0]\n");
    assertThat(filter).contains("-A CAP-abcdef-FIREWALL -m comment --comment"
        + " \"block incoming localnet connections\" -d 127.0.0.0/8 ! -s 127.0.0.0/8"
        + " -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP\n");
    assertThat(filter).endsWith("COMMIT\n");
  }

  @Test
  void chainsOfServicesThatWentAreFlushedAndDeleted() {
    String input = rules.render(List.of(), Set.of("CAP-abcdef-SERVICES", "CAP-abcdef-SVC-0123456789"));

    assertThat(input).contains(":CAP-abcdef-SVC-0123456789 - [0:0]\n")
        .contains("-X CAP-abcdef-SVC-0123456789\n")
        .doesNotContain("-X CAP-abcdef-SERVICES");
  }

  @Test
  void theSameStateRendersTheSameRules() {
    ServicePortTarget target = target(List.of("172.17.0.2:80", "172.17.0.3:80"), 30001, 0);
    assertThat(rules.render(List.of(target), Set.of()))
        .isEqualTo(rules.render(List.of(target), Set.of()));
  }

  @Test
  void servicesAndTheirEndpointsBecomeTargetsPortByPort() {
    Service service = new ServiceBuilder().withNewMetadata().withNamespace("web")
        .withName("shop").endMetadata().withNewSpec().withType("NodePort")
        .withClusterIP("10.96.0.20").withSessionAffinity("ClientIP")
        .addNewPort().withName("http").withPort(80).withProtocol("TCP").withNodePort(30080)
        .endPort()
        .addNewPort().withName("admin").withPort(8081).withProtocol("TCP").endPort()
        .endSpec().build();
    Service headless = new ServiceBuilder().withNewMetadata().withNamespace("web")
        .withName("headless").endMetadata().withNewSpec().withClusterIP("None")
        .addNewPort().withPort(80).endPort().endSpec().build();
    Endpoints endpoints = new EndpointsBuilder().withNewMetadata().withNamespace("web")
        .withName("shop").endMetadata()
        .addNewSubset().addNewAddress().withIp("172.17.0.3").endAddress()
        .addNewAddress().withIp("172.17.0.2").endAddress()
        .addNewNotReadyAddress().withIp("172.17.0.9").endNotReadyAddress()
        .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort()
        .endSubset().build();

    List<ServicePortTarget> targets = ServiceTargets.of(List.of(service, headless),
        List.of(endpoints));

    assertThat(targets).containsExactly(
        new ServicePortTarget("web", "shop", "admin", "TCP", "10.96.0.20", 8081, 0, false,
            List.of(), 10800),
        new ServicePortTarget("web", "shop", "http", "TCP", "10.96.0.20", 80, 30080, false,
            List.of("172.17.0.2:8080", "172.17.0.3:8080"), 10800));
  }
}
