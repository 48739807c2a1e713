package dev.capstan.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeploymentConditionsTest {

  private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      // what | spec extra | previous Progressing (reason@lastUpdate) | previous counts (replicas updated ready available) | new counts | new RS | expected status/reason
      "a new ReplicaSet|-|-|0 0 0 0|0 0 0 0|CREATED|True NewReplicaSetCreated",
      "an existing one seen first|-|-|0 0 0 0|3 3 0 0|FOUND|True FoundNewReplicaSet",
      "more pods updated|-|NewReplicaSetCreated@2026-11-30T09:59:00Z|0 0 0 0|3 1 0 0|NONE|True ReplicaSetUpdated",
      "more pods ready|-|ReplicaSetUpdated@2026-11-30T09:59:00Z|3 3 1 1|3 3 2 1|NONE|True ReplicaSetUpdated",
      "complete|-|ReplicaSetUpdated@2026-11-30T09:59:00Z|3 3 2 2|3 3 3 3|NONE|True NewReplicaSetAvailable",
      "stuck within the deadline|-|ReplicaSetUpdated@2026-11-30T09:59:00Z|3 3 0 0|3 3 0 0|NONE|True ReplicaSetUpdated",
      "stuck past the deadline|\"progressDeadlineSeconds\":30,|ReplicaSetUpdated@2026-11-30T09:59:00Z|3 3 0 0|3 3 0 0|NONE|False ProgressDeadlineExceeded",
      "moving again after the deadline|\"progressDeadlineSeconds\":30,|ProgressDeadlineExceeded@2026-11-30T09:59:00Z|3 3 0 0|3 3 1 1|NONE|True ReplicaSetUpdated",
      "a complete one stays complete|\"progressDeadlineSeconds\":30,|NewReplicaSetAvailable@2026-11-30T09:00:00Z|3 3 3 3|3 3 2 2|NONE|True NewReplicaSetAvailable",
      "paused|\"paused\":true,|ReplicaSetUpdated@2026-11-30T09:00:00Z|3 3 0 0|3 3 0 0|NONE|Unknown DeploymentPaused",
      "resumed|-|DeploymentPaused@2026-11-30T09:00:00Z|3 3 0 0|3 3 0 0|NONE|Unknown DeploymentResumed"})
  void progressingSaysWhereTheRolloutIs(String what, String specExtra, String previous,
      String previousCounts, String newCounts, String newReplicaSet, String expected) {
    String conditions = previous.equals("-") ? "[]" : """
        [{"type":"Progressing","status":"True","reason":"%s","lastUpdateTime":"%s",
          "lastTransitionTime":"%s"}]""".formatted(previous.split("@")[0], previous.split("@")[1],
        previous.split("@")[1]);
    String spec = (specExtra.equals("-") ? "" : specExtra)
        + (specExtra.contains("Deadline") ? "" : "\"progressDeadlineSeconds\":600,");
    JsonObject deployment = parse("""
        {"metadata":{"name":"web"},"spec":{%s"replicas":3},"status":%s}"""
        .formatted(spec, counts(previousCounts, conditions)));

    Optional<JsonObject> condition = DeploymentConditions.progressing(deployment,
        parse(counts(newCounts, "[]")), "web-abc",
        DeploymentConditions.NewReplicaSet.valueOf(newReplicaSet), NOW);

    assertThat(condition).as(what).isPresent();
    assertThat(condition.get().getString("status") + " " + condition.get().getString("reason"))
        .as(what).isEqualTo(expected);
  }

  private static String counts(String counts, String conditions) {
    String[] n = counts.split(" ");
    return """
        {"replicas":%s,"updatedReplicas":%s,"readyReplicas":%s,"availableReplicas":%s,
         "conditions":%s}""".formatted(n[0], n[1], n[2], n[3], conditions);
  }

  private static JsonObject parse(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }
}
