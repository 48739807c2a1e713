package dev.capstan.resources;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class PodResourcesTest {

  @Test
  void containersAddUpAndTheLargestInitContainerWinsIfLarger() {
    JsonObject spec = json("""
        {"containers":[
          {"name":"a","resources":{"requests":{"cpu":"100m","memory":"64Mi"},"limits":{"cpu":"1"}}},
          {"name":"b","resources":{"requests":{"cpu":"200m"}}}],
         "initContainers":[
          {"name":"i","resources":{"requests":{"cpu":"500m","memory":"32Mi"}}}]}""");

    assertThat(PodResources.requests(spec).toString()).isEqualTo("cpu=500m,memory=64Mi");
    assertThat(PodResources.limits(spec).toString()).isEqualTo("cpu=1");
  }

  @Test
  void aListMasksAndReportsWhatExceedsALimit() {
    ResourceList used = ResourceList.of(json("{\"pods\":\"4\",\"services\":\"1\",\"cpu\":\"2\"}"));
    ResourceList hard = ResourceList.of(json("{\"pods\":\"3\",\"services\":\"1\"}"));

    assertThat(used.exceeding(hard)).containsExactly("pods");
    assertThat(used.mask(hard.names()).toString()).isEqualTo("pods=4,services=1");
  }

  static JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }
}
