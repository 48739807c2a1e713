package dev.capstan.it.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * What the fuzzer's oracle counts as a change a refused request made: not what the Deployment
 * controller writes into what it controls. It needs no server; it is an IT because in the ear
 * module only failsafe runs tests.
 */
class ObjectDiffIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String BASE = """
      {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"f1","namespace":"ns",
       "uid":"u1","labels":{"app":"web"}%s},"spec":{"replicas":3%s,"selector":{"matchLabels":
       {"app":"web"}}}}""";

  private static final String ADOPTED = ",\"annotations\":{\"deployment.kubernetes.io/revision\":"
      + "\"1\",\"deployment.kubernetes.io/desired-replicas\":\"2\","
      + "\"deployment.kubernetes.io/max-replicas\":\"3\"},\"ownerReferences\":[{\"apiVersion\":"
      + "\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"d\",\"uid\":\"u2\",\"controller\":true}]";

  @Test
  void whatTheDeploymentControllerWritesIntoAReplicaSetItAdoptedIsNoChange() {
    JsonNode before = tree(BASE.formatted("", ""));
    JsonNode after = tree(BASE.formatted(ADOPTED, ",\"minReadySeconds\":5")
        .replace("\"replicas\":3", "\"replicas\":0"));

    assertThat(ObjectDiff.of(before, after)).isNull();
  }

  @Test
  void theReplicasOfAReplicaSetNoDeploymentControlsAndAUsersAnnotationStillCount() {
    JsonNode before = tree(BASE.formatted("", ""));

    assertThat(ObjectDiff.of(before, tree(BASE.formatted("", "").replace("\"replicas\":3",
        "\"replicas\":0")))).isEqualTo("/spec/replicas: 3 -> 0");
    assertThat(ObjectDiff.of(before, tree(BASE.formatted(ADOPTED.replace(
        "\"deployment.kubernetes.io/revision\":\"1\"", "\"note\":\"x\""), ""))))
        .startsWith("/metadata/annotations").endsWith("{\"note\":\"x\"}");
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
