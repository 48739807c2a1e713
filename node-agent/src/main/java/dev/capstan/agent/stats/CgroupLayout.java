package dev.capstan.agent.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where this machine keeps the cgroup files of Docker's containers and of the node itself,
 * found once at start: cgroup v2 (one unified hierarchy, {@code cgroup.controllers} at its
 * root) or v1 (a hierarchy per controller, {@code cpuacct} and {@code memory}; also the
 * "hybrid" layout with an extra {@code unified} mount, which Docker does not use for limits).
 *
 * <p>A container's cgroup is {@code /docker/<id>} under Docker's cgroupfs driver and
 * {@code /system.slice/docker-<id>.scope} under its systemd driver; both are tried, and when
 * neither exists (a {@code --cgroup-parent}, a nested engine) the path the kernel gives for the
 * container's first process ({@code /proc/<pid>/cgroup}, the pid Docker reports) is used.
 */
public final class CgroupLayout {

  /** The hierarchy version found. */
  public enum Version { V1, V2 }

  private final Version version;
  private final Path cpuRoot;
  private final Path memoryRoot;
  private final Path proc;

  private CgroupLayout(Version version, Path cpuRoot, Path memoryRoot, Path proc) {
    this.version = version;
    this.cpuRoot = cpuRoot;
    this.memoryRoot = memoryRoot;
    this.proc = proc;
  }

  /** The layout of this machine ({@code /sys/fs/cgroup}, {@code /proc}). */
  public static Optional<CgroupLayout> detect() {
    return detect(Path.of("/sys/fs/cgroup"), Path.of("/proc"));
  }

  /** The layout under {@code root}, empty when there is no cgroup hierarchy it can read. */
  public static Optional<CgroupLayout> detect(Path root, Path proc) {
    if (Files.isRegularFile(root.resolve("cgroup.controllers"))) {
      return Optional.of(new CgroupLayout(Version.V2, root, root, proc));
    }
    Optional<Path> cpu = firstDirectory(root, "cpuacct", "cpu,cpuacct", "cpuacct,cpu");
    Path memory = root.resolve("memory");
    if (cpu.isPresent() && Files.isDirectory(memory)) {
      return Optional.of(new CgroupLayout(Version.V1, cpu.get(), memory, proc));
    }
    return Optional.empty();
  }

  public Version version() {
    return version;
  }

  /**
   * The container's cgroup, relative to the hierarchy's root ({@code docker/<id>}), or empty
   * when none of the places tried has it.
   *
   * @param pid the container's first process as Docker reports it; 0 when not known
   */
  public Optional<String> containerCgroup(String id, long pid) {
    List<String> candidates = new ArrayList<>(List.of("docker/" + id,
        "system.slice/docker-" + id + ".scope"));
    if (pid > 0) {
      ofProcess(pid).ifPresent(candidates::add);
    }
    return candidates.stream().filter(c -> Files.isDirectory(memoryRoot.resolve(c))
        && Files.isDirectory(cpuRoot.resolve(c))).findFirst();
  }

  /** The process's cgroup, as {@code /proc/<pid>/cgroup} names it for the memory controller. */
  private Optional<String> ofProcess(long pid) {
    try {
      for (String line : Files.readAllLines(proc.resolve(pid + "/cgroup"))) {
        String[] fields = line.split(":", 3);
        if (fields.length < 3) {
          continue;
        }
        boolean wanted = version == Version.V2 ? fields[0].equals("0") && fields[1].isEmpty()
            : List.of(fields[1].split(",")).contains("memory");
        if (wanted) {
          return Optional.of(fields[2].replaceFirst("^/", ""));
        }
      }
    } catch (IOException e) {
      // gone, or another pid namespace
    }
    return Optional.empty();
  }

  /** Cumulative CPU time of the cgroup, in nanoseconds. */
  public long cpu(String cgroup) throws IOException {
    Path dir = cpuRoot.resolve(cgroup);
    return version == Version.V2 ? CgroupFiles.cpuV2(Files.readString(dir.resolve("cpu.stat")))
        : CgroupFiles.cpuV1(Files.readString(dir.resolve("cpuacct.usage")));
  }

  /** Memory of the cgroup. */
  public CgroupFiles.Memory memory(String cgroup) throws IOException {
    Path dir = memoryRoot.resolve(cgroup);
    return version == Version.V2
        ? CgroupFiles.memoryV2(Files.readString(dir.resolve("memory.current")),
            Files.readString(dir.resolve("memory.stat")))
        : CgroupFiles.memoryV1(Files.readString(dir.resolve("memory.usage_in_bytes")),
            Files.readString(dir.resolve("memory.stat")));
  }

  /** The cgroup's memory limit; null when it has none. */
  public Long memoryLimit(String cgroup) throws IOException {
    Path dir = memoryRoot.resolve(cgroup);
    return CgroupFiles.memoryLimit(Files.readString(dir.resolve(
        version == Version.V2 ? "memory.max" : "memory.limit_in_bytes")));
  }

  /**
   * The interfaces of the cgroup's network namespace, read through its first process; empty
   * when it has none left.
   */
  public List<ResourceStats.Interface> network(String cgroup) throws IOException {
    for (String pid : Files.readAllLines(memoryRoot.resolve(cgroup).resolve("cgroup.procs"))) {
      if (!pid.isBlank()) {
        return CgroupFiles.netDev(Files.readString(proc.resolve(pid.strip() + "/net/dev")));
      }
    }
    return List.of();
  }

  /**
   * The node's cumulative CPU time: the root cgroup's (as cAdvisor's "/" container), or
   * {@code /proc/stat} where the root has no usage file (a v2 root before Linux 5.x).
   */
  public long nodeCpu() throws IOException {
    Path usage = cpuRoot.resolve(version == Version.V2 ? "cpu.stat" : "cpuacct.usage");
    if (Files.isReadable(usage)) {
      return cpu("");
    }
    return CgroupFiles.cpuOfProcStat(Files.readString(proc.resolve("stat")), 100);
  }

  /**
   * The node's memory: the v1 root cgroup's, or from {@code /proc/meminfo} on v2, whose root has
   * no {@code memory.current}.
   */
  public CgroupFiles.Memory nodeMemory() throws IOException {
    if (version == Version.V1 && Files.isReadable(memoryRoot.resolve("memory.usage_in_bytes"))) {
      return memory("");
    }
    return CgroupFiles.memoryOfMeminfo(Files.readString(proc.resolve("meminfo")));
  }

  /** When the machine booted: the node's start time, as the kubelet reports its root cgroup's. */
  public java.time.Instant bootTime() throws IOException {
    return java.time.Instant.ofEpochSecond(CgroupFiles.bootTime(
        Files.readString(proc.resolve("stat"))));
  }

  /** The machine's memory, in bytes. */
  public long memoryCapacity() throws IOException {
    return CgroupFiles.memoryCapacity(Files.readString(proc.resolve("meminfo")));
  }

  private static Optional<Path> firstDirectory(Path root, String... names) {
    for (String name : names) {
      if (Files.isDirectory(root.resolve(name))) {
        return Optional.of(root.resolve(name));
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "cgroup " + version.name().toLowerCase() + " (cpu " + cpuRoot + ", memory "
        + memoryRoot + ")";
  }
}
