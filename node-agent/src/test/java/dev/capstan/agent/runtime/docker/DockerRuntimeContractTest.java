package dev.capstan.agent.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.runtime.ContainerConfig;
import dev.capstan.agent.runtime.ContainerInfo;
import dev.capstan.agent.runtime.ContainerRuntime;
import dev.capstan.agent.runtime.SandboxConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The {@link ContainerRuntime} contract on a real Docker engine (Nomad's DriverHarness idea):
 * what the pod phases assume of the in-memory runtime holds for Docker. Runs when
 * {@code -Dcapstan.docker.host=unix:///...} names an engine that has {@code capstan/busybox:1};
 * the agent's integration tests cover the rest end to end.
 */
@EnabledIfSystemProperty(named = "capstan.docker.host", matches = "(unix|tcp)://.+")
class DockerRuntimeContractTest {

  private static final String IMAGE = "capstan/busybox:1";
  private static final String LABEL = "capstan.contract-test";
  private static final String RUN = UUID.randomUUID().toString();
  private static DockerRuntime docker;

  @BeforeAll
  static void connect() {
    docker = new DockerRuntime(System.getProperty("capstan.docker.host"));
  }

  @AfterAll
  static void removeOurs() throws Exception {
    if (docker != null) {
      docker.list(Map.of(LABEL, RUN)).forEach(c -> docker.remove(c.id()));
    }
    docker.close();
  }

  private static String running(String script) {
    String sandbox = docker.createSandbox(new SandboxConfig("capstan-contract-pod-"
        + UUID.randomUUID(), "capstan/pause:1", Map.of(LABEL, RUN), "contract", List.of(),
        Optional.empty(), List.of(), List.of(), List.of()));
    docker.start(sandbox);
    assertThat(docker.inspect(sandbox).orElseThrow().ip()).as("the sandbox's address")
        .isPresent();
    String id = docker.create(new ContainerConfig("capstan-contract-" + UUID.randomUUID(),
        IMAGE, Map.of(LABEL, RUN), sandbox, List.of("sh", "-c", script), List.of(), List.of(),
        Optional.empty(), Optional.empty(), false, false, false, List.of(),
        ContainerConfig.Resources.NONE, false, false, Optional.empty()));
    docker.start(id);
    return id;
  }

  @Test
  void aSignalReturnsAtOnceAndSigkillEndsAContainerThatIgnoresSigterm() {
    String id = running("trap '' TERM; while true; do sleep 1; done");
    long start = System.nanoTime();
    docker.signal(id, "SIGTERM");
    assertThat((System.nanoTime() - start) / 1_000_000).as("ms to send SIGTERM").isLessThan(2000);
    ContainerInfo info = docker.inspect(id).orElseThrow();
    assertThat(info.running()).isTrue();
    assertThat(info.stopSignal()).isEqualTo("SIGTERM");
    assertThat(info.labels()).containsEntry(LABEL, RUN);
    assertThat(info.startedAt()).isPresent();

    docker.signal(id, "SIGKILL");
    await().atMost(Duration.ofSeconds(10)).until(() -> !docker.inspect(id).orElseThrow().running());
    ContainerInfo exited = docker.inspect(id).orElseThrow();
    assertThat(exited.exitCode()).isEqualTo(137);
    assertThat(exited.finishedAt()).isPresent();
    docker.signal(id, "SIGKILL");
    assertThat(docker.list(Map.of(LABEL, RUN))).anyMatch(c -> c.id().equals(id) && !c.running());

    docker.remove(id);
    docker.remove(id);
    assertThat(docker.inspect(id)).isEmpty();
  }

  @Test
  void theContainersOwnStopSignalIsReported() {
    String id = docker.client().createContainerCmd(IMAGE).withCmd("sleep", "60")
        .withStopSignal("SIGUSR1").withLabels(Map.of(LABEL, RUN)).exec().getId();

    assertThat(docker.inspect(id).orElseThrow().stopSignal()).isEqualTo("SIGUSR1");
  }

  @Test
  void execAnswersWithAFutureAndGivesUpAtItsTimeout() throws Exception {
    String id = running("sleep 60");

    ContainerRuntime.ExecResult result = docker.exec(id, List.of("sh", "-c", "echo hi; exit 3"),
        Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.output()).isEqualTo("hi\n");

    long start = System.nanoTime();
    assertThatThrownBy(() -> docker.exec(id, List.of("sleep", "30"), Duration.ofMillis(500))
        .get(15, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(TimeoutException.class);
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5000);
    docker.signal(id, "SIGKILL");
  }

  @Test
  void aPullOfAnImageNoRegistryHasFails() {
    assertThatThrownBy(() -> docker.pull("capstan/absent-contract:1", Duration.ofSeconds(60))
        .get(90, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    assertThat(docker.hasImage(IMAGE)).isTrue();
  }
}
