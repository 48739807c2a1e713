package dev.capstan.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentConfigTest {

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>(Map.of("CAPSTAN_API_SERVER", "https://127.0.0.1:8443",
        "CAPSTAN_TOKEN", "t", "CAPSTAN_NODE_NAME", "n1", "CAPSTAN_NODE_IP", "10.0.0.5",
        "CAPSTAN_CA_FILE", "/ca.crt"));
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Test
  void theEndpointListensOnTheNodesAddressWithItsServingCertificate() {
    AgentConfig config = AgentConfig.fromEnvironment(env("CAPSTAN_TLS_CERT_FILE", "/n1.crt",
        "CAPSTAN_TLS_PRIVATE_KEY_FILE", "/n1.key"));
    assertThat(config.servingTls()).hasValueSatisfying(tls -> {
      assertThat(tls.address()).isEqualTo("10.0.0.5");
      assertThat(tls.certificateFile()).isEqualTo(Path.of("/n1.crt"));
      assertThat(tls.clientCaFile()).isEqualTo(Path.of("/ca.crt"));
    });
  }

  @Test
  void allInterfacesAreRefused() {
    assertThatThrownBy(() -> AgentConfig.fromEnvironment(env("CAPSTAN_TLS_CERT_FILE", "/n1.crt",
        "CAPSTAN_TLS_PRIVATE_KEY_FILE", "/n1.key", "CAPSTAN_ADDRESS", "0.0.0.0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CAPSTAN_ADDRESS must be one of the node's addresses");
  }

  @Test
  void withoutAServingCertificateThereIsNoEndpoint() {
    assertThat(AgentConfig.fromEnvironment(env()).servingTls()).isEmpty();
    assertThatThrownBy(() -> AgentConfig.fromEnvironment(env("CAPSTAN_TLS_CERT_FILE",
        "/n1.crt"))).hasMessageContaining("set CAPSTAN_TLS_PRIVATE_KEY_FILE");
  }

  @Test
  void aBootstrapTokenOrAKeptCredentialStandsForTheToken(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Map<String, String> bootstrapOnly = env("CAPSTAN_BOOTSTRAP_TOKEN", "b",
        "CAPSTAN_AGENT_DIR", dir.toString());
    bootstrapOnly.remove("CAPSTAN_TOKEN");
    AgentConfig config = AgentConfig.fromEnvironment(bootstrapOnly);
    assertThat(config.bootstrapToken()).contains("b");
    assertThat(config.token()).isEmpty();

    Map<String, String> neither = env("CAPSTAN_AGENT_DIR", dir.toString());
    neither.remove("CAPSTAN_TOKEN");
    assertThatThrownBy(() -> AgentConfig.fromEnvironment(neither))
        .hasMessageContaining("set CAPSTAN_BOOTSTRAP_TOKEN_FILE");
    java.nio.file.Files.createDirectories(dir.resolve("pki"));
    java.nio.file.Files.writeString(dir.resolve("pki/node-token"), "kept");
    assertThat(AgentConfig.fromEnvironment(neither).bootstrapToken())
        .as("a credential kept from an earlier run will do").isEmpty();
  }
}
