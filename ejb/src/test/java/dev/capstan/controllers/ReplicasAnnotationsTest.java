package dev.capstan.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The replica annotations the deployment controller keeps on its ReplicaSets. */
class ReplicasAnnotationsTest {

  @ParameterizedTest(name = "{0} → desired {1}, max {2}")
  @CsvSource(delimiter = '|', value = {
      "{\"replicas\":4}|4|5",
      "{\"replicas\":10,\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxSurge\":3}}}|10|13",
      "{\"replicas\":10,\"strategy\":{\"rollingUpdate\":{\"maxSurge\":\"50%\"}}}|10|15",
      "{\"replicas\":3,\"strategy\":{\"type\":\"Recreate\"}}|3|3"})
  void desiredAndMaxReplicas(String spec, String desired, String max) {
    JsonObject deployment = Json.createReader(new StringReader("{\"spec\":" + spec + "}"))
        .readObject();

    assertThat(DeploymentController.replicasAnnotations(deployment)).isEqualTo(
        Json.createObjectBuilder()
            .add("deployment.kubernetes.io/desired-replicas", desired)
            .add("deployment.kubernetes.io/max-replicas", max).build());
  }
}
