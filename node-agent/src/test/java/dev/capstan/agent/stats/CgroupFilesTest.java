package dev.capstan.agent.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The cgroup figures as cAdvisor computes them, from sample files of both hierarchies. */
class CgroupFilesTest {

  static String fixture(String name) {
    try (var in = CgroupFilesTest.class.getResourceAsStream("/cgroup/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @org.junit.jupiter.api.Test
  void v1CpuIsCpuacctUsageInNanoseconds() {
    assertThat(CgroupFiles.cpuV1(fixture("v1/cpuacct.usage"))).isEqualTo(2_561_849_332L);
  }

  @org.junit.jupiter.api.Test
  void v1WorkingSetIsUsageMinusTotalInactiveFile() {
    CgroupFiles.Memory memory = CgroupFiles.memoryV1(fixture("v1/memory.usage_in_bytes"),
        fixture("v1/memory.stat"));
    assertThat(memory.usageBytes()).isEqualTo(12_705_792L);
    // total_inactive_file (hierarchical), not the cgroup's own inactive_file (0)
    assertThat(memory.workingSetBytes()).isEqualTo(12_705_792L - 8_388_608L);
    assertThat(memory.rssBytes()).isEqualTo(53_248L);
    assertThat(memory.pageFaults()).isEqualTo(1523);
    assertThat(memory.majorPageFaults()).isEqualTo(1);
  }

  @org.junit.jupiter.api.Test
  void v2CpuIsUsageUsecOfCpuStat() {
    assertThat(CgroupFiles.cpuV2(fixture("v2/cpu.stat"))).isEqualTo(2_561_849_000L);
    assertThatThrownBy(() -> CgroupFiles.cpuV2("user_usec 5\n"))
        .hasMessageContaining("usage_usec");
  }

  @org.junit.jupiter.api.Test
  void v2WorkingSetIsMemoryCurrentMinusInactiveFile() {
    CgroupFiles.Memory memory = CgroupFiles.memoryV2(fixture("v2/memory.current"),
        fixture("v2/memory.stat"));
    assertThat(memory.usageBytes()).isEqualTo(20_971_520L);
    assertThat(memory.workingSetBytes()).isEqualTo(20_971_520L - 10_485_760L);
    assertThat(memory.rssBytes()).isEqualTo(6_291_456L);
    assertThat(memory.pageFaults()).isEqualTo(4211);
    assertThat(memory.majorPageFaults()).isEqualTo(3);
  }

  @org.junit.jupiter.api.Test
  void theWorkingSetIsNeverNegative() {
    // page cache charged before the usage was read: more inactive file than usage
    assertThat(CgroupFiles.memoryV2("4096\n", "inactive_file 8192\n").workingSetBytes())
        .isZero();
  }

  @org.junit.jupiter.api.Test
  void theNodeOfMeminfoAndProcStat() {
    CgroupFiles.Memory memory = CgroupFiles.memoryOfMeminfo(fixture("meminfo"));
    assertThat(memory.usageBytes()).isEqualTo((8_048_576L - 2_048_576L) * 1024);
    assertThat(memory.workingSetBytes()).isEqualTo((6_000_000L - 1_500_000L) * 1024);
    assertThat(CgroupFiles.memoryCapacity(fixture("meminfo"))).isEqualTo(8_048_576L * 1024);
    // user + nice + system + irq + softirq + steal, at 100 ticks a second
    assertThat(CgroupFiles.cpuOfProcStat(fixture("stat"), 100))
        .isEqualTo((10_132_153L + 290_696L + 3_084_719L + 0 + 25_195L + 0) * 10_000_000L);
    assertThat(CgroupFiles.bootTime(fixture("stat"))).isEqualTo(1_700_000_000L);
  }
}
