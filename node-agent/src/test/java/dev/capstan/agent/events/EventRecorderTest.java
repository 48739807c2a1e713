package dev.capstan.agent.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

class EventRecorderTest {

  @Test
  void eventsNameInitContainersByTheirPlaceInTheSpecAsTheKubeletDoes() {
    Pod pod = new PodBuilder().withNewSpec()
        .addNewInitContainer().withName("setup").endInitContainer()
        .addNewContainer().withName("web").endContainer()
        .endSpec().build();

    assertThat(EventRecorder.fieldPath(pod, "setup")).isEqualTo("spec.initContainers{setup}");
    assertThat(EventRecorder.fieldPath(pod, "web")).isEqualTo("spec.containers{web}");
    assertThat(EventRecorder.fieldPath(pod, null)).isNull();
  }
}
