package dev.capstan.agent.pods;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PodStatusesTest {

  @ParameterizedTest(name = "{0}: {1} running, {2} waiting, {3} stopped, {4} succeeded -> {5}")
  @CsvSource({
      "Always, 0, 1, 0, 0, Pending",
      "Always, 1, 0, 0, 0, Running",
      "Always, 0, 0, 1, 0, Running",
      "OnFailure, 0, 0, 1, 1, Succeeded",
      "OnFailure, 0, 0, 1, 0, Running",
      "Never, 0, 0, 2, 2, Succeeded",
      "Never, 0, 0, 2, 1, Failed",
      "Never, 1, 0, 1, 0, Running",
      "Never, 0, 0, 0, 0, Pending"})
  void phaseFollowsKubernetesRules(String policy, int running, int waiting, int stopped,
      int succeeded, String phase) {
    assertThat(PodStatuses.phase(policy, running, waiting, stopped, succeeded)).isEqualTo(phase);
  }
}
