package dev.capstan.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.store.entity.ObjectKey;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StoreLatencyTest {

  @ParameterizedTest
  @CsvSource({
      "get, get", "list, list", "keys, list", "create, create", "update, update",
      "markDeleting, update", "delete, delete", "deleteCorrupt, delete"})
  void storeMethodsAreTimedAsKubeApiserversStorageOperations(String method, String operation) {
    assertThat(StoreLatency.operation(method)).contains(operation);
  }

  @Test
  void theRevisionAndOtherHelpersAreNotTimed() {
    assertThat(StoreLatency.operation("currentRevision")).isEmpty();
    assertThat(StoreLatency.operation("equals")).isEmpty();
  }

  @Test
  void theTypeIsTheGroupResourceOfTheKeyTheQueryOrTheGroupAndKind() {
    assertThat(StoreLatency.type(new Object[] {new ObjectKey("", "Pod", "ns", "p"), "v1"}))
        .isEqualTo("pods");
    assertThat(StoreLatency.type(new Object[] {new ObjectKey("apps", "Deployment", "ns", "d")}))
        .isEqualTo("deployments.apps");
    assertThat(StoreLatency.type(new Object[] {ListQuery.all("", "Node", Optional.empty(),
        "")})).isEqualTo("nodes");
    assertThat(StoreLatency.type(new Object[] {"coordination.k8s.io", "Lease"}))
        .isEqualTo("leases.coordination.k8s.io");
  }

  @Test
  void aKindTheApiDoesNotServeMakesNoSeriesOfItsOwn() {
    assertThat(StoreLatency.type(new Object[] {new ObjectKey("made.up", "Thing", "", "x")}))
        .isEmpty();
    assertThat(StoreLatency.type(new Object[] {})).isEmpty();
  }
}
