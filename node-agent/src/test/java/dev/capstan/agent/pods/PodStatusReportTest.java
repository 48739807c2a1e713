package dev.capstan.agent.pods;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.runtime.ContainerInfo;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodStatusReportTest {

  private final Fixtures.MutableClock clock = new Fixtures.MutableClock();
  private final FakeRuntime runtime = new FakeRuntime(clock);
  private final List<PodStatus> written = new ArrayList<>();
  private final PodStatusReport report = new PodStatusReport(runtime, new PodApi() {
    @Override
    public Optional<Pod> get(String namespace, String name) {
      return Optional.empty();
    }

    @Override
    public void writeStatus(Pod pod, PodStatus status) {
      pod.setStatus(status);
      written.add(status);
    }

    @Override
    public void deleteForGood(Pod pod) {
    }
  }, "192.0.2.1", clock);
  private final Pod pod = Fixtures.simplePod();

  private Optional<ContainerInfo> sandbox() {
    String id = runtime.createSandbox(ContainerSpecs.sandbox(pod, "pause",
        PodLabels.ofPod("n1", pod, 30), "POD", new PodDns(List.of(), List.of(), List.of()),
        Optional.empty()));
    runtime.start(id);
    return runtime.inspect(id);
  }

  private String attempt(int n) {
    Map<String, String> labels = new java.util.HashMap<>(PodLabels.ofPod("n1", pod, 30));
    labels.put(PodLabels.ROLE, PodLabels.APP);
    labels.put(PodLabels.CONTAINER, "main");
    labels.put(PodLabels.ATTEMPT, Integer.toString(n));
    String id = runtime.create(ContainerSpecs.container(pod, pod.getSpec().getContainers().get(0),
        labels, "main-" + n, "s", Map.of(), Map.of()));
    runtime.start(id);
    return id;
  }

  private RuntimePod current() {
    return RuntimePod.group(runtime.list(Map.of())).get("uid-0001-0001");
  }

  @Test
  void aRestartedContainerReportsItsRestartCountLastStateAndTheRunningPhase() {
    Optional<ContainerInfo> sandbox = sandbox();
    String first = attempt(0);
    clock.advance(Duration.ofSeconds(5));
    runtime.exit(first, 2);
    attempt(1);

    PodStatus status = report.report(pod, sandbox, current(), Map.of(),
        PodStatuses.ProbeResults.NONE);

    assertThat(status.getPhase()).isEqualTo("Running");
    assertThat(status.getPodIP()).isEqualTo("10.0.0.7");
    var main = status.getContainerStatuses().get(0);
    assertThat(main.getRestartCount()).isEqualTo(1);
    assertThat(main.getReady()).isTrue();
    assertThat(main.getState().getRunning()).isNotNull();
    assertThat(main.getLastState().getTerminated().getExitCode()).isEqualTo(2);
    assertThat(main.getLastState().getTerminated().getReason()).isEqualTo("Error");
  }

  @Test
  void theStatusIsWrittenOnlyWhenItChanges() {
    Optional<ContainerInfo> sandbox = sandbox();
    attempt(0);

    report.report(pod, sandbox, current(), Map.of(), PodStatuses.ProbeResults.NONE);
    clock.advance(Duration.ofSeconds(10));
    report.report(pod, sandbox, current(), Map.of(), PodStatuses.ProbeResults.NONE);
    assertThat(written).hasSize(1);

    report.report(pod, sandbox, current(), Map.of(), new PodStatuses.ProbeResults() {
      @Override
      public Optional<Boolean> ready(String containerId) {
        return Optional.of(false);
      }

      @Override
      public Optional<Boolean> started(String containerId) {
        return Optional.empty();
      }
    });
    assertThat(written).hasSize(2);
    assertThat(written.get(1).getContainerStatuses().get(0).getReady()).isFalse();
  }

  @Test
  void aWaitingContainerShowsTheReasonTheSyncGave() {
    PodStatus status = report.report(pod, Optional.empty(), null,
        Map.of("main", new PodStatuses.Waiting("ErrImagePull", "no such image")),
        PodStatuses.ProbeResults.NONE);

    assertThat(status.getPhase()).isEqualTo("Pending");
    assertThat(status.getContainerStatuses().get(0).getState().getWaiting().getReason())
        .isEqualTo("ErrImagePull");
  }
}
