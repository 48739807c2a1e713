package dev.capstan.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.jsonp.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stabilisation windows and scaling policies, as Kubernetes' horizontal_test.go checks them. */
class ScaleHistoryTest {

  private static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z");
  private static final ScalingRules UP = ScalingRules.DEFAULT_SCALE_UP;
  private static final ScalingRules DOWN = ScalingRules.DEFAULT_SCALE_DOWN;

  @Test
  void aScaleDownWaitsForTheHighestRecommendationOfTheWindowToLeaveIt() {
    ScaleHistory history = new ScaleHistory();
    history.start("ns/a", 5, T0);
    var normalized = history.normalize("ns/a", UP, DOWN, 1, 10, 5, 2, T0.plusSeconds(15));
    assertThat(normalized.replicas()).isEqualTo(5);
    assertThat(normalized.ableToScale().reason()).isEqualTo("ScaleDownStabilized");
    assertThat(normalized.ableToScale().message()).isEqualTo("recent recommendations were"
        + " higher than current one, applying the highest recent recommendation");
    // still within 300 s of the first recommendation (5)
    assertThat(history.normalize("ns/a", UP, DOWN, 1, 10, 5, 2, T0.plusSeconds(299))
        .replicas()).isEqualTo(5);
    // 301 s on, only recommendations of 2 are left in the window
    var after = history.normalize("ns/a", UP, DOWN, 1, 10, 5, 2, T0.plusSeconds(301));
    assertThat(after.replicas()).isEqualTo(2);
    assertThat(after.ableToScale().reason()).isEqualTo("ReadyForNewScale");
    assertThat(after.scalingLimited().status()).isEqualTo("False");
    assertThat(after.scalingLimited().reason()).isEqualTo("DesiredWithinRange");
  }

  @Test
  void aShortenedWindowScalesDownSooner() {
    ScalingRules down = new ScalingRules(20, "Max", DOWN.policies());
    ScaleHistory history = new ScaleHistory();
    history.start("ns/a", 3, T0);
    assertThat(history.normalize("ns/a", UP, down, 1, 10, 3, 1, T0.plusSeconds(15)).replicas())
        .isEqualTo(3);
    assertThat(history.normalize("ns/a", UP, down, 1, 10, 3, 1, T0.plusSeconds(36)).replicas())
        .isEqualTo(1);
  }

  @Test
  void aScaleUpIsLimitedToFourPodsOrDoubleWithinFifteenSeconds() {
    ScaleHistory history = new ScaleHistory();
    history.start("ns/a", 1, T0);
    var first = history.normalize("ns/a", UP, DOWN, 1, 100, 1, 20, T0);
    // max(1 + 4, 1 x 200%) = 5
    assertThat(first.replicas()).isEqualTo(5);
    assertThat(first.scalingLimited().status()).isEqualTo("True");
    assertThat(first.scalingLimited().reason()).isEqualTo("ScaleUpLimit");
    assertThat(first.scalingLimited().message())
        .isEqualTo("the desired replica count is increasing faster than the maximum scale rate");
    history.rescaled("ns/a", UP, DOWN, 1, 5, T0);
    // within the same period the period started at 1: still at most 5
    assertThat(history.normalize("ns/a", UP, DOWN, 1, 100, 5, 20, T0.plusSeconds(10))
        .replicas()).isEqualTo(5);
    // a period later it starts at 5: max(9, 10) = 10
    assertThat(history.normalize("ns/a", UP, DOWN, 1, 100, 5, 20, T0.plusSeconds(16))
        .replicas()).isEqualTo(10);
  }

  @Test
  void maxAndMinReplicasBound() {
    ScaleHistory history = new ScaleHistory();
    history.start("ns/a", 3, T0);
    var tooMany = history.normalize("ns/a", UP, DOWN, 1, 4, 3, 6, T0);
    assertThat(tooMany.replicas()).isEqualTo(4);
    assertThat(tooMany.scalingLimited().reason()).isEqualTo("TooManyReplicas");
    assertThat(tooMany.scalingLimited().message())
        .isEqualTo("the desired replica count is more than the maximum replica count");
    ScalingRules noWindow = new ScalingRules(0, "Max", DOWN.policies());
    ScaleHistory fresh = new ScaleHistory();
    var tooFew = fresh.normalize("ns/b", UP, noWindow, 2, 4, 3, 1, T0);
    assertThat(tooFew.replicas()).isEqualTo(2);
    assertThat(tooFew.scalingLimited().reason()).isEqualTo("TooFewReplicas");
  }

  @Test
  void disabledPoliciesNeverScaleThatWay() {
    ScalingRules disabled = new ScalingRules(0, "Disabled", DOWN.policies());
    ScaleHistory history = new ScaleHistory();
    var normalized = history.normalize("ns/a", UP, disabled, 1, 10, 5, 1, T0);
    assertThat(normalized.replicas()).isEqualTo(5);
    assertThat(normalized.scalingLimited().reason()).isEqualTo("ScaleDownLimit");
  }

  @Test
  void behaviorRulesAreReadWithTheirDefaults() {
    var spec = Json.createObjectBuilder().add("behavior", Json.createObjectBuilder()
        .add("scaleDown", Json.createObjectBuilder().add("stabilizationWindowSeconds", 10)))
        .build();
    assertThat(ScalingRules.of(spec, false)).isEqualTo(new ScalingRules(10, "Max",
        DOWN.policies()));
    assertThat(ScalingRules.of(spec, true)).isEqualTo(UP);
    assertThat(UP.policies()).containsExactly(new ScalingRules.Policy("Pods", 4, 15),
        new ScalingRules.Policy("Percent", 100, 15));
    var defaulted = AutoscalerDefaults.spec(spec);
    assertThat(defaulted.getInt("minReplicas")).isEqualTo(1);
    assertThat(defaulted.getJsonArray("metrics").getJsonObject(0).toString()).isEqualTo(
        "{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":"
            + "{\"type\":\"Utilization\",\"averageUtilization\":80}}}");
    assertThat(defaulted.getJsonObject("behavior").getJsonObject("scaleDown").toString())
        .isEqualTo("{\"stabilizationWindowSeconds\":10,\"selectPolicy\":\"Max\",\"policies\":"
            + "[{\"type\":\"Percent\",\"value\":100,\"periodSeconds\":15}]}");
    assertThat(List.of(defaulted.getJsonObject("behavior").getJsonObject("scaleUp")
        .getInt("stabilizationWindowSeconds"))).containsExactly(0);
  }
}
