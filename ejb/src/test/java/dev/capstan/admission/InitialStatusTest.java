package dev.capstan.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InitialStatusTest {

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "services|{\"loadBalancer\":{}}",
      "replicationcontrollers|{\"replicas\":0}",
      "apps/replicasets|{\"replicas\":0}",
      "apps/daemonsets|{\"currentNumberScheduled\":0,\"numberMisscheduled\":0,"
          + "\"desiredNumberScheduled\":0,\"numberReady\":0}",
      "policy/poddisruptionbudgets|{\"disruptionsAllowed\":0,\"currentHealthy\":0,"
          + "\"desiredHealthy\":0,\"expectedPods\":0}",
      "apps/deployments|{}",
      "batch/jobs|{}"})
  void aNewObjectStartsWithTheEmptyStatusGoWrites(String resource, String status) {
    String[] parts = resource.contains("/") ? resource.split("/") : new String[] {"", resource};
    ResourceType type = ResourceTypes.find(parts[0], "v1", parts[1]).orElseThrow();

    JsonObject created = InitialStatus.apply(type,
        json("{\"metadata\":{\"name\":\"x\"},\"status\":{\"bogus\":1}}"));

    assertThat(created.getJsonObject("status")).isEqualTo(json(status));
  }
}
