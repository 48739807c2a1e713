package dev.capstan.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PatchLimitsTest {

  @Test
  void copiesThatDoubleTheObjectAreRefusedQuicklyWithoutBuildingIt() {
    JsonObject configMap = Json.createObjectBuilder()
        .add("metadata", Json.createObjectBuilder().add("name", "cm"))
        .add("data", Json.createObjectBuilder().add("a", "x".repeat(1000)))
        .build();
    JsonArrayBuilder operations = Json.createArrayBuilder();
    for (int i = 0; i < 40; i++) {
      operations.add(Json.createObjectBuilder().add("op", "copy").add("from", "/data")
          .add("path", "/data/d" + i));
    }
    Instant start = Instant.now();

    assertThatThrownBy(() -> Patches.apply(PatchType.JSON_PATCH, configMap, operations.build()))
        .isInstanceOf(InvalidPatchException.class)
        .hasMessage("Unable to complete the copy, the accumulated size increase of copy is"
            + " 4152259, exceeding the limit 3145728");
    assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void aFewCopiesStillApply() {
    JsonObject configMap = Json.createObjectBuilder()
        .add("data", Json.createObjectBuilder().add("a", "b")).build();

    JsonObject patched = Patches.apply(PatchType.JSON_PATCH, configMap, Json.createArrayBuilder()
        .add(Json.createObjectBuilder().add("op", "copy").add("from", "/data/a").add("path", "/data/c"))
        .add(Json.createObjectBuilder().add("op", "test").add("path", "/data/c").add("value", "b"))
        .build());

    assertThat(patched.getJsonObject("data").getString("c")).isEqualTo("b");
  }

  @Test
  void moreThanTenThousandOperationsAreTooLarge() {
    JsonArrayBuilder operations = Json.createArrayBuilder();
    for (int i = 0; i <= 10_000; i++) {
      operations.add(Json.createObjectBuilder().add("op", "test").add("path", "/a").add("value", 1));
    }

    assertThatThrownBy(() -> Patches.apply(PatchType.JSON_PATCH,
        Json.createObjectBuilder().add("a", 1).build(), operations.build()))
        .isInstanceOf(PatchTooLargeException.class)
        .hasMessage("The allowed maximum operations in a JSON patch is 10000, got 10001");
  }

  @Test
  void aMergePatchThatMakesMetadataANumberStillApplies() {
    // the result's types are checked as a PUT's would be, by the API (TypedFields)
    JsonObject patched = Patches.apply(PatchType.MERGE_PATCH,
        Json.createObjectBuilder().add("metadata", Json.createObjectBuilder().add("name", "x")).build(),
        Json.createObjectBuilder().add("metadata", 5).build());

    assertThat(patched.getInt("metadata")).isEqualTo(5);
  }
}
