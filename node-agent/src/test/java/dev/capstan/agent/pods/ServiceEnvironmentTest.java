package dev.capstan.agent.pods;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceEnvironmentTest {

  private static Service service(String name, String clusterIp, ServicePortSpec... ports) {
    ServiceBuilder builder = new ServiceBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withClusterIP(clusterIp).endSpec();
    for (ServicePortSpec port : ports) {
      builder.editSpec().addNewPort().withName(port.name()).withPort(port.port())
          .withProtocol(port.protocol()).endPort().endSpec();
    }
    return builder.build();
  }

  private record ServicePortSpec(String name, int port, String protocol) {}

  @Test
  void aServiceGetsTheVariablesOfTheReferenceNodeJsExample() {
    assertThat(ServiceEnvironment.of(List.of(service("node-js", "10.96.0.12",
        new ServicePortSpec(null, 80, "TCP"))))).containsExactly(
        entry("NODE_JS_SERVICE_HOST", "10.96.0.12"),
        entry("NODE_JS_SERVICE_PORT", "80"),
        entry("NODE_JS_PORT", "tcp://10.96.0.12:80"),
        entry("NODE_JS_PORT_80_TCP", "tcp://10.96.0.12:80"),
        entry("NODE_JS_PORT_80_TCP_PROTO", "tcp"),
        entry("NODE_JS_PORT_80_TCP_PORT", "80"),
        entry("NODE_JS_PORT_80_TCP_ADDR", "10.96.0.12"));
  }

  @Test
  void namedPortsGetTheirOwnServicePortVariableAndTheFirstPortIsTheDefault() {
    var env = ServiceEnvironment.of(List.of(service("web", "10.96.0.20",
        new ServicePortSpec("http", 80, "TCP"), new ServicePortSpec("dns", 53, "UDP"))));

    assertThat(env).containsEntry("WEB_SERVICE_PORT", "80")
        .containsEntry("WEB_SERVICE_PORT_HTTP", "80")
        .containsEntry("WEB_SERVICE_PORT_DNS", "53")
        .containsEntry("WEB_PORT", "tcp://10.96.0.20:80")
        .containsEntry("WEB_PORT_53_UDP", "udp://10.96.0.20:53")
        .containsEntry("WEB_PORT_53_UDP_PROTO", "udp");
  }

  @Test
  void servicesWithoutAClusterIpHaveNoVariables() {
    assertThat(ServiceEnvironment.of(List.of(
        service("headless", "None", new ServicePortSpec(null, 80, "TCP")),
        service("pending", "", new ServicePortSpec(null, 80, "TCP"))))).isEmpty();
  }

  private static java.util.Map.Entry<String, String> entry(String key, String value) {
    return java.util.Map.entry(key, value);
  }
}
