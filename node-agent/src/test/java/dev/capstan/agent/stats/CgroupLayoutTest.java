package dev.capstan.agent.stats;

import static dev.capstan.agent.stats.CgroupFilesTest.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding the hierarchy and a container's cgroup in trees laid out as the kernel and Docker's
 * two cgroup drivers lay them out.
 */
class CgroupLayoutTest {

  private static final String ID = "a2862117674334e7be4716d319df668925bd54dc0e0e361f0d3b5c88410b27c7";

  @TempDir
  Path root;

  @TempDir
  Path proc;

  @Test
  void v1WithDockersCgroupfsDriver() throws IOException {
    // the hybrid layout: controllers of their own, and a unified mount Docker does not use
    Files.createDirectories(root.resolve("unified"));
    copy("v1/cpuacct.usage", root.resolve("cpuacct/docker/" + ID));
    copy("v1/memory.usage_in_bytes", root.resolve("memory/docker/" + ID));
    copy("v1/memory.stat", root.resolve("memory/docker/" + ID));
    copy("v1/cpuacct.usage", root.resolve("cpuacct"));
    copy("v1/memory.usage_in_bytes", root.resolve("memory"));
    copy("v1/memory.stat", root.resolve("memory"));
    copy("meminfo", proc);

    CgroupLayout layout = CgroupLayout.detect(root, proc).orElseThrow();
    assertThat(layout.version()).isEqualTo(CgroupLayout.Version.V1);
    String cgroup = layout.containerCgroup(ID, 0).orElseThrow();
    assertThat(cgroup).isEqualTo("docker/" + ID);
    assertThat(layout.cpu(cgroup)).isEqualTo(2_561_849_332L);
    assertThat(layout.memory(cgroup).workingSetBytes()).isEqualTo(12_705_792L - 8_388_608L);
    assertThat(layout.nodeCpu()).isEqualTo(2_561_849_332L);
    assertThat(layout.nodeMemory().usageBytes()).isEqualTo(12_705_792L);
    assertThat(layout.memoryCapacity()).isEqualTo(8_048_576L * 1024);
    assertThat(layout.containerCgroup("0123", 0)).isEmpty();
  }

  @Test
  void v1WithCpuAndCpuacctMountedTogether() throws IOException {
    copy("v1/cpuacct.usage", root.resolve("cpu,cpuacct/docker/" + ID));
    copy("v1/memory.usage_in_bytes", root.resolve("memory/docker/" + ID));
    copy("v1/memory.stat", root.resolve("memory/docker/" + ID));
    CgroupLayout layout = CgroupLayout.detect(root, proc).orElseThrow();
    assertThat(layout.cpu(layout.containerCgroup(ID, 0).orElseThrow()))
        .isEqualTo(2_561_849_332L);
  }

  @Test
  void v2WithDockersSystemdDriverAndTheNodeFromProc() throws IOException {
    Files.writeString(root.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
    Path scope = root.resolve("system.slice/docker-" + ID + ".scope");
    copy("v2/cpu.stat", scope);
    copy("v2/memory.current", scope);
    copy("v2/memory.stat", scope);
    copy("meminfo", proc);
    copy("stat", proc);

    CgroupLayout layout = CgroupLayout.detect(root, proc).orElseThrow();
    assertThat(layout.version()).isEqualTo(CgroupLayout.Version.V2);
    String cgroup = layout.containerCgroup(ID, 0).orElseThrow();
    assertThat(cgroup).isEqualTo("system.slice/docker-" + ID + ".scope");
    assertThat(layout.cpu(cgroup)).isEqualTo(2_561_849_000L);
    assertThat(layout.memory(cgroup).workingSetBytes()).isEqualTo(20_971_520L - 10_485_760L);
    // a root without cpu.stat: /proc/stat; the root never has memory.current: /proc/meminfo
    assertThat(layout.nodeCpu()).isEqualTo(13_532_763L * 10_000_000L);
    assertThat(layout.nodeMemory().workingSetBytes()).isEqualTo(4_500_000L * 1024);
  }

  @Test
  void aCgroupElsewhereIsFoundThroughTheContainersProcess() throws IOException {
    Files.writeString(root.resolve("cgroup.controllers"), "cpu memory\n");
    Path nested = root.resolve("capstan/nested/" + ID);
    copy("v2/cpu.stat", nested);
    copy("v2/memory.current", nested);
    copy("v2/memory.stat", nested);
    Files.createDirectories(proc.resolve("4242"));
    Files.writeString(proc.resolve("4242/cgroup"), "0::/capstan/nested/" + ID + "\n");

    CgroupLayout layout = CgroupLayout.detect(root, proc).orElseThrow();
    assertThat(layout.containerCgroup(ID, 0)).isEmpty();
    assertThat(layout.containerCgroup(ID, 4242)).contains("capstan/nested/" + ID);
  }

  @Test
  void noHierarchyNoLayout() {
    assertThat(CgroupLayout.detect(root, proc)).isEmpty();
  }

  private static void copy(String fixture, Path directory) throws IOException {
    Files.createDirectories(directory);
    Files.writeString(directory.resolve(Path.of(fixture).getFileName().toString()),
        fixture(fixture));
  }
}
