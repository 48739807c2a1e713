import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Statistics;
import dev.capstan.agent.runtime.docker.DockerRuntime;
import dev.capstan.agent.stats.CgroupLayout;
import dev.capstan.agent.stats.StatsCollector;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Node agent resource collection (issue 15): prints figures, asserts nothing. Run by
 * bench/agent-stats.sh, which starts the containers (labelled io.capstan.node=NODE) first.
 *
 *   cost NODE ROUNDS [DOCKERD_PID]
 *       one sampling of every running container of NODE, ROUNDS times, two ways: reading the
 *       cgroup files (what the agent does) and Docker's stats API (docker-java statsCmd,
 *       --no-stream), one container after another and all at once; wall time, this JVM's CPU
 *       and (given its pid) dockerd's CPU per sampling
 *   collect NODE on|off SECONDS INTERVAL [WARMUP=20]
 *       a JVM with the agent's Docker client and, when on, its StatsCollector sampling every
 *       INTERVAL s; after WARMUP s, prints its CPU (ms per minute) and RSS (MiB) over SECONDS
 */
public class AgentStatsBench {

  public static void main(String[] args) throws Exception {
    String dockerHost = System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
    try (DockerRuntime docker = new DockerRuntime(dockerHost)) {
      if (args[0].equals("cost")) {
        cost(docker, args[1], Integer.parseInt(args[2]), args.length > 3 ? Long.parseLong(args[3]) : 0);
      } else {
        collect(docker, args[1], args[2].equals("on"), Integer.parseInt(args[3]),
            Integer.parseInt(args[4]), args.length > 5 ? Integer.parseInt(args[5]) : 20);
      }
    }
    System.exit(0);
  }

  static void cost(DockerRuntime docker, String node, int rounds, long dockerd) throws Exception {
    CgroupLayout layout = CgroupLayout.detect().orElseThrow();
    List<Container> containers = docker.containers(Map.of("io.capstan.node", node)).stream()
        .filter(c -> "running".equals(c.getState())).toList();
    List<String> cgroups = containers.stream()
        .map(c -> layout.containerCgroup(c.getId(), 0).orElseThrow()).toList();
    System.out.printf("%d containers, %s%n", containers.size(), layout);
    // warm up both paths (class loading, JIT, connections)
    for (int i = 0; i < 3; i++) {
      readCgroups(layout, cgroups);
    }
    statsSequential(docker, containers.subList(0, Math.min(3, containers.size())));

    Measure m = Measure.start(dockerd);
    for (int i = 0; i < rounds; i++) {
      readCgroups(layout, cgroups);
    }
    m.print("cgroup files, one sampling", rounds);

    m = Measure.start(dockerd);
    for (int i = 0; i < rounds; i++) {
      docker.containers(Map.of("io.capstan.node", node));
    }
    m.print("  + the container list the agent asks Docker for", rounds);

    // the engine answers each --no-stream request after its second CPU reading, about a
    // second later: one sequential round is enough to see it
    m = Measure.start(dockerd);
    statsSequential(docker, containers);
    m.print("stats API, one container after another", 1);

    int statsRounds = 3;
    m = Measure.start(dockerd);
    for (int i = 0; i < statsRounds; i++) {
      statsParallel(docker, containers);
    }
    m.print("stats API, all containers at once", statsRounds);
  }

  static void readCgroups(CgroupLayout layout, List<String> cgroups) throws Exception {
    long sum = 0;
    for (String cgroup : cgroups) {
      sum += layout.cpu(cgroup) + layout.memory(cgroup).workingSetBytes();
    }
    if (sum == 42) {
      System.out.println();
    }
  }

  static Statistics stats(DockerRuntime docker, String id) throws InterruptedException {
    Statistics[] last = new Statistics[1];
    ResultCallback.Adapter<Statistics> callback = docker.client().statsCmd(id)
        .withNoStream(true).exec(new ResultCallback.Adapter<>() {
          @Override
          public void onNext(Statistics statistics) {
            last[0] = statistics;
          }
        });
    callback.awaitCompletion(30, TimeUnit.SECONDS);
    return last[0];
  }

  static void statsSequential(DockerRuntime docker, List<Container> containers)
      throws InterruptedException {
    for (Container c : containers) {
      stats(docker, c.getId());
    }
  }

  static void statsParallel(DockerRuntime docker, List<Container> containers) {
    List<CompletableFuture<Statistics>> all = new ArrayList<>();
    for (Container c : containers) {
      all.add(CompletableFuture.supplyAsync(() -> {
        try {
          return stats(docker, c.getId());
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }, r -> new Thread(r).start()));
    }
    all.forEach(CompletableFuture::join);
  }

  record Measure(long wall, long cpu, long dockerd, long dockerdPid) {
    static Measure start(long dockerdPid) {
      return new Measure(System.nanoTime(), processCpu(), ticks(dockerdPid), dockerdPid);
    }

    void print(String what, int rounds) {
      double wallMs = (System.nanoTime() - wall) / 1e6 / rounds;
      double cpuMs = (processCpu() - cpu) / 1e6 / rounds;
      String engine = dockerdPid > 0
          ? String.format(", dockerd CPU %8.1f ms", (ticks(dockerdPid) - dockerd) * 10.0 / rounds)
          : "";
      System.out.printf("%-50s wall %8.2f ms, agent CPU %8.2f ms%s%n", what, wallMs, cpuMs, engine);
    }
  }

  static long processCpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** utime + stime of a process, in clock ticks (100 a second). */
  static long ticks(long pid) {
    if (pid <= 0) {
      return 0;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (Exception e) {
      return 0;
    }
  }

  static long rssKib() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.split("\\s+")[1]);
      }
    }
    return 0;
  }

  static void collect(DockerRuntime docker, String node, boolean on, int seconds, int interval,
      int warmUp) throws Exception {
    docker.containers(Map.of("io.capstan.node", node));
    StatsCollector collector = null;
    if (on) {
      collector = new StatsCollector(node, docker, CgroupLayout.detect().orElseThrow(),
          Duration.ofSeconds(interval), Clock.systemUTC());
      collector.start();
      // as the agent does: Docker's events say when to list the containers again
      StatsCollector listening = collector;
      docker.onContainerEvents(Map.of("io.capstan.node", node),
          labels -> listening.containersChanged());
    }
    Thread.sleep(warmUp * 1_000L);
    long cpu = processCpu();
    long start = System.nanoTime();
    long maxRss = 0;
    while (System.nanoTime() - start < seconds * 1_000_000_000L) {
      Thread.sleep(1_000);
      maxRss = Math.max(maxRss, rssKib());
    }
    double minutes = (System.nanoTime() - start) / 60e9;
    long pods = docker.containers(Map.of("io.capstan.node", node)).stream()
        .map(c -> c.getLabels().get("io.capstan.pod.uid")).distinct().count();
    System.out.printf("collection %-3s %3d pods: CPU %7.1f ms/min, RSS %6.1f MiB (max)%n",
        on ? "on" : "off", pods, (processCpu() - cpu) / 1e6 / minutes, maxRss / 1024.0);
    if (collector != null) {
      collector.close();
    }
  }
}
