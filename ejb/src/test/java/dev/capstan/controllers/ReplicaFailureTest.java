package dev.capstan.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The ReplicaFailure condition of replica sets and replication controllers. */
class ReplicaFailureTest {

  private static final Instant NOW = Instant.parse("2026-12-06T04:30:00Z");
  private static final String REFUSED = "pods \"web-x7k2q\" is forbidden: exceeded quota: q, "
      + "requested: pods=1, used: pods=3, limited: pods=3";

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }

  @Test
  void aRefusedCreateAddsReplicaFailureWithTheErrorAsKubernetesDoes() {
    JsonArray conditions = ReplicaController.conditions(json("{\"replicas\":3}"),
        Optional.of(REFUSED), NOW);

    assertThat(conditions).containsExactly(Json.createObjectBuilder()
        .add("type", "ReplicaFailure").add("status", "True")
        .add("lastTransitionTime", "2026-12-06T04:30:00Z").add("reason", "FailedCreate")
        .add("message", REFUSED).build());
  }

  @Test
  void aFailureAlreadyRecordedKeepsItsTimeAndARoundWithoutFailureRemovesIt() {
    JsonObject failing = json("""
        {"conditions":[{"type":"ReplicaFailure","status":"True",
          "lastTransitionTime":"2026-12-06T04:00:00Z","reason":"FailedCreate","message":"old"}]}""");

    assertThat(ReplicaController.conditions(failing, Optional.of(REFUSED), NOW))
        .isEqualTo(failing.getJsonArray("conditions"));
    assertThat(ReplicaController.conditions(failing, Optional.empty(), NOW)).isEmpty();
  }
}
