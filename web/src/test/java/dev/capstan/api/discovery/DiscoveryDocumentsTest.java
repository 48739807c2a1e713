package dev.capstan.api.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DiscoveryDocumentsTest {

  @Test
  void coreVersionsNameTheAddressTheClientReachedForEveryNetwork() {
    JsonObject versions = DiscoveryDocuments.versions("127.0.0.1:8443");

    assertThat(versions.getJsonArray("serverAddressByClientCIDRs").getJsonObject(0))
        .isEqualTo(jakarta.json.Json.createObjectBuilder().add("clientCIDR", "0.0.0.0/0")
            .add("serverAddress", "127.0.0.1:8443").build());
  }

  @Test
  void coreResourcesListServedPodSubresourcesWithKubernetesKindsAndVerbs() {
    Map<String, JsonObject> resources = resources("", "v1");

    assertThat(resources.get("pods/exec").getString("kind")).isEqualTo("PodExecOptions");
    assertThat(verbs(resources.get("pods/exec"))).isEqualTo("create,get");
    assertThat(resources.get("pods/attach").getString("kind")).isEqualTo("PodAttachOptions");
    assertThat(resources.get("pods/log").getString("kind")).isEqualTo("Pod");
    assertThat(resources.get("pods/portforward").getString("kind"))
        .isEqualTo("PodPortForwardOptions");
    assertThat(verbs(resources.get("pods/portforward"))).isEqualTo("create,get");
    assertThat(resources.get("pods/ephemeralcontainers").getString("kind")).isEqualTo("Pod");
    assertThat(verbs(resources.get("pods/ephemeralcontainers"))).isEqualTo("get,patch,update");
    assertThat(verbs(resources.get("pods/log"))).isEqualTo("get");
    assertThat(resources.get("pods/binding").getString("kind")).isEqualTo("Binding");
    assertThat(resources.get("pods/proxy").getString("kind")).isEqualTo("PodProxyOptions");
    assertThat(verbs(resources.get("pods/proxy"))).isEqualTo("create,delete,get,patch,update");
    assertThat(resources.get("services/proxy").getString("kind"))
        .isEqualTo("ServiceProxyOptions");
    assertThat(resources.get("pods/eviction").getString("group")).isEqualTo("policy");
    assertThat(resources.get("pods/eviction").getString("version")).isEqualTo("v1");
    assertThat(resources.get("pods/status").getString("singularName")).isEmpty();
    assertThat(resources.get("replicationcontrollers/scale").getString("group"))
        .isEqualTo("autoscaling");
  }

  @Test
  void subresourcesThatAreNotServedAreNotListed() {
    Map<String, JsonObject> resources = resources("", "v1");

    assertThat(resources).doesNotContainKeys("namespaces/finalize", "nodes/proxy");
  }

  @Test
  void serviceAccountTokenIsATokenRequestOfAuthentication() {
    JsonObject token = resources("", "v1").get("serviceaccounts/token");

    assertThat(token.getString("group")).isEqualTo("authentication.k8s.io");
    assertThat(token.getString("version")).isEqualTo("v1");
    assertThat(token.getString("kind")).isEqualTo("TokenRequest");
    assertThat(verbs(token)).isEqualTo("create");
  }

  @Test
  void groupVersionsListTheirScaleAndStatusSubresources() {
    Map<String, JsonObject> resources = resources("apps", "v1");

    assertThat(resources.get("deployments/scale").getString("kind")).isEqualTo("Scale");
    assertThat(resources.get("deployments/status").getString("kind")).isEqualTo("Deployment");
    assertThat(resources).doesNotContainKey("daemonsets/scale");
  }

  @Test
  void theResourceMetricsAreListedAsMetricsServerListsThem() {
    Map<String, JsonObject> resources = resources("metrics.k8s.io", "v1beta1");

    assertThat(resources.get("nodes").getString("kind")).isEqualTo("NodeMetrics");
    assertThat(resources.get("nodes").getBoolean("namespaced")).isFalse();
    assertThat(resources.get("pods").getString("kind")).isEqualTo("PodMetrics");
    assertThat(resources.get("pods").getBoolean("namespaced")).isTrue();
    assertThat(verbs(resources.get("pods"))).isEqualTo("get,list");
    assertThat(resources.get("pods").getString("singularName")).isEmpty();
  }

  private static Map<String, JsonObject> resources(String group, String version) {
    JsonObject list = DiscoveryDocuments.resourceList(group, version);
    return list.getJsonArray("resources").stream().map(JsonValue::asJsonObject)
        .collect(Collectors.toMap(r -> r.getString("name"), Function.identity()));
  }

  private static String verbs(JsonObject resource) {
    return resource.getJsonArray("verbs").getValuesAs(jakarta.json.JsonString.class).stream()
        .map(jakarta.json.JsonString::getString).collect(Collectors.joining(","));
  }
}
