package dev.capstan.agent.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The kubelet's hard eviction thresholds, read and applied to the node's measurements. */
class EvictionThresholdsTest {

  private static final long GI = 1L << 30;
  private static final long MI = 1L << 20;

  @Test
  void kubernetesDefaults() {
    EvictionThresholds defaults = EvictionThresholds.parse(EvictionThresholds.DEFAULTS);
    assertThat(defaults.memoryPressure(99 * MI, 8 * GI)).isTrue();
    assertThat(defaults.memoryPressure(100 * MI, 8 * GI)).isFalse();
    assertThat(defaults.diskPressure(9 * GI, 100 * GI)).isTrue();
    assertThat(defaults.diskPressure(11 * GI, 100 * GI)).isFalse();
  }

  @Test
  void quantitiesInEveryUnitAndPercentages() {
    EvictionThresholds t = EvictionThresholds.parse(" memory.available < 1.5Gi , nodefs.available<2G");
    assertThat(t.memoryPressure(GI + GI / 2 - 1, 8 * GI)).isTrue();
    assertThat(t.memoryPressure(GI + GI / 2, 8 * GI)).isFalse();
    assertThat(t.diskPressure(1_999_999_999L, 100 * GI)).isTrue();
    assertThat(EvictionThresholds.parse("memory.available<20%").memoryPressure(GI, 8 * GI))
        .isTrue();
    // a signal without a threshold never presses
    assertThat(EvictionThresholds.parse("memory.available<20%").diskPressure(0, 8 * GI))
        .isFalse();
    assertThat(EvictionThresholds.parse("").memoryPressure(0, 8 * GI)).isFalse();
  }

  @Test
  void whatItCannotReadIsNamed() {
    assertThatThrownBy(() -> EvictionThresholds.parse("memory.available<100Mi,pid.available<5"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"pid.available<5\"");
    assertThatThrownBy(() -> EvictionThresholds.parse("memory.available>100Mi"))
        .hasMessageContaining("memory.available>100Mi");
  }

  @Test
  void thePressureOfASamplingAndAFileSystem(@org.junit.jupiter.api.io.TempDir Path dir) {
    Instant now = Instant.now();
    ResourceStats lowMemory = new ResourceStats(new ResourceStats.NodeStats("n", now, null,
        new ResourceStats.Memory(now, 50 * MI, 8 * GI, 8 * GI - 50 * MI, 0, 0, 0)), List.of(),
        false);
    EvictionThresholds defaults = EvictionThresholds.parse(EvictionThresholds.DEFAULTS);
    assertThat(defaults.pressure(Optional.of(lowMemory), dir).memory()).isTrue();
    assertThat(defaults.pressure(Optional.empty(), dir).memory()).isFalse();
    // every file system is under "less than all of it free"; a directory not made yet is
    // measured on its nearest ancestor
    assertThat(EvictionThresholds.parse("nodefs.available<100%")
        .pressure(Optional.empty(), dir.resolve("not/yet")).disk()).isTrue();
  }
}
