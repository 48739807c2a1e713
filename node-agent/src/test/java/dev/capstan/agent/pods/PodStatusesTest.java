package dev.capstan.agent.pods;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.runtime.ContainerInfo;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
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

  private static Pod pod(String restartPolicy, String... initContainers) {
    PodBuilder pod = new PodBuilder().withNewMetadata().withName("web").endMetadata()
        .withNewSpec().withRestartPolicy(restartPolicy)
        .addNewContainer().withName("web").withImage("capstan/busybox:1").endContainer()
        .addNewContainer().withName("sidecar").withImage("capstan/busybox:1").endContainer()
        .endSpec();
    for (String init : initContainers) {
      pod.editSpec().addNewInitContainer().withName(init).withImage("capstan/busybox:1")
          .endInitContainer().endSpec();
    }
    return pod.build();
  }

  private static PodStatus status(Pod pod, Map<String, PodStatuses.Attempts> attempts) {
    return PodStatuses.build(pod, Optional.empty(), attempts, Map.of(),
        PodStatuses.ProbeResults.NONE, "10.0.0.5", Instant.parse("2026-12-06T04:00:00Z"));
  }

  private static PodCondition condition(PodStatus status, String type) {
    return status.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst()
        .orElseThrow();
  }

  private static ContainerInfo exited(String id, int exitCode) {
    return new ContainerInfo(id, "sha256:abc", Map.of(), false, exitCode,
        Optional.of(Instant.parse("2026-12-06T03:59:00.1Z")),
        Optional.of(Instant.parse("2026-12-06T03:59:30.1Z")), false, Optional.empty(), null);
  }

  @Test
  void notReadyConditionsNameTheUnreadyContainersAsTheKubeletDoes() {
    PodStatus status = status(pod("Always"), Map.of());

    for (String type : new String[] {"Ready", "ContainersReady"}) {
      assertThat(condition(status, type).getStatus()).isEqualTo("False");
      assertThat(condition(status, type).getReason()).isEqualTo("ContainersNotReady");
      assertThat(condition(status, type).getMessage())
          .isEqualTo("containers with unready status: [web sidecar]");
    }
    assertThat(condition(status, "Initialized").getStatus()).isEqualTo("True");
    assertThat(condition(status, "Initialized").getReason()).isNull();
  }

  @Test
  void anUninitializedPodNamesItsIncompleteInitContainers() {
    PodStatus status = status(pod("Always", "setup", "migrate"), Map.of());

    assertThat(condition(status, "Initialized").getReason()).isEqualTo("ContainersNotInitialized");
    assertThat(condition(status, "Initialized").getMessage())
        .isEqualTo("containers with incomplete status: [setup migrate]");
  }

  @Test
  void aSucceededPodIsNotReadyBecauseItCompleted() {
    PodStatus status = status(pod("Never"), Map.of(
        "web", new PodStatuses.Attempts(Optional.of(exited("a1", 0)), Optional.empty(), 0),
        "sidecar", new PodStatuses.Attempts(Optional.of(exited("b1", 0)), Optional.empty(), 0)));

    assertThat(status.getPhase()).isEqualTo("Succeeded");
    assertThat(condition(status, "Ready").getReason()).isEqualTo("PodCompleted");
    assertThat(condition(status, "Ready").getMessage()).isNull();
    assertThat(condition(status, "ContainersReady").getReason()).isEqualTo("PodCompleted");
    assertThat(condition(status, "Initialized").getStatus()).isEqualTo("True");
    assertThat(condition(status, "Initialized").getReason()).isEqualTo("PodCompleted");
    assertThat(status.getContainerStatuses().get(0).getState().getTerminated().getReason())
        .isEqualTo("Completed");
  }

  @Test
  void aFailedPodIsNotReadyBecauseItFailed() {
    PodStatus status = status(pod("Never"), Map.of(
        "web", new PodStatuses.Attempts(Optional.of(exited("a1", 1)), Optional.empty(), 0),
        "sidecar", new PodStatuses.Attempts(Optional.of(exited("b1", 0)), Optional.empty(), 0)));

    assertThat(status.getPhase()).isEqualTo("Failed");
    assertThat(condition(status, "Ready").getReason()).isEqualTo("PodFailed");
    assertThat(condition(status, "ContainersReady").getReason()).isEqualTo("PodFailed");
  }

  @Test
  void aCreatedContainerReportsItsMountsAsTheKubeletDoes() {
    Pod pod = new PodBuilder(pod("Always")).editSpec().editFirstContainer()
        .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount()
        .addNewVolumeMount().withName("config").withMountPath("/etc/app").withReadOnly(true)
        .endVolumeMount().endContainer().endSpec().build();

    PodStatus status = status(pod, Map.of(
        "web", new PodStatuses.Attempts(Optional.of(exited("a1", 1)), Optional.empty(), 0)));

    assertThat(status.getContainerStatuses().get(0).getVolumeMounts())
        .extracting(m -> m.getName() + " " + m.getMountPath() + " " + m.getReadOnly() + " "
            + m.getRecursiveReadOnly())
        .containsExactly("data /data null null", "config /etc/app true Disabled");
    assertThat(status.getContainerStatuses().get(1).getVolumeMounts())
        .as("a container not created yet").isNullOrEmpty();
  }
}
