package dev.capstan.agent.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.runtime.docker.DockerRuntime;
import io.fabric8.kubernetes.api.model.ContainerImage;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NodeStatusReporterTest {

  @Test
  void theNodeListsItsLargestImagesWithTheirNamesAsTheKubeletDoes() {
    List<DockerRuntime.Image> images = IntStream.range(0, 60)
        .mapToObj(i -> new DockerRuntime.Image(List.of("repo/image-" + i + "@sha256:" + i,
            "repo/image-" + i + ":1"), 1_000L * i))
        .toList();

    List<ContainerImage> listed = NodeStatusReporter.images(images);

    assertThat(listed).hasSize(NodeStatusReporter.MAX_IMAGES);
    assertThat(listed.get(0).getNames())
        .containsExactly("repo/image-59@sha256:59", "repo/image-59:1");
    assertThat(listed.get(0).getSizeBytes()).isEqualTo(59_000L);
    assertThat(listed).extracting(ContainerImage::getSizeBytes).isSortedAccordingTo(
        (a, b) -> Long.compare(b, a));
  }
}
