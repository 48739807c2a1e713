package dev.capstan.patch;

import static dev.capstan.patch.StrategicMergePatchTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PatchesTest {

  private static final JsonObject CONFIG = json("{\"metadata\":{\"name\":\"c\"},\"data\":{\"a\":\"1\",\"b\":\"2\"}}");

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "application/json-patch+json|JSON_PATCH",
      "application/merge-patch+json; charset=utf-8|MERGE_PATCH",
      "Application/Strategic-Merge-Patch+JSON|STRATEGIC_MERGE_PATCH"})
  void mediaTypesNameTheirPatchType(String mediaType, PatchType type) {
    assertThat(PatchType.forMediaType(mediaType)).contains(type);
  }

  @Test
  void applyPatchYamlIsNotAPatchTypeYet() {
    assertThat(PatchType.forMediaType("application/apply-patch+yaml")).isEmpty();
  }

  @Test
  void mergePatchNullDeletes() {
    JsonObject result = Patches.apply(PatchType.MERGE_PATCH, CONFIG, json("{\"data\":{\"a\":null,\"c\":\"3\"}}"));
    assertThat(result.getJsonObject("data")).isEqualTo(json("{\"b\":\"2\",\"c\":\"3\"}"));
  }

  @Test
  void jsonPatchOperationsApplyInOrder() {
    JsonObject result = Patches.apply(PatchType.JSON_PATCH, CONFIG, Json.createReader(new StringReader("""
        [{"op":"test","path":"/data/a","value":"1"},
         {"op":"replace","path":"/data/a","value":"10"},
         {"op":"remove","path":"/data/b"},
         {"op":"add","path":"/data/c","value":"3"}]""")).readArray());
    assertThat(result.getJsonObject("data")).isEqualTo(json("{\"a\":\"10\",\"c\":\"3\"}"));
  }

  @Test
  void failedJsonPatchTestIsAnInvalidPatch() {
    assertThatThrownBy(() -> Patches.apply(PatchType.JSON_PATCH, CONFIG, Json.createReader(
        new StringReader("[{\"op\":\"test\",\"path\":\"/data/a\",\"value\":\"nope\"}]")).readArray()))
        .isInstanceOf(InvalidPatchException.class);
  }

  @Test
  void jsonPatchMustBeAnArrayAndMergePatchAnObject() {
    assertThatThrownBy(() -> Patches.apply(PatchType.JSON_PATCH, CONFIG, json("{}")))
        .isInstanceOf(InvalidPatchException.class);
    assertThatThrownBy(() -> Patches.apply(PatchType.MERGE_PATCH, CONFIG, Json.createArrayBuilder().build()))
        .isInstanceOf(InvalidPatchException.class);
  }

  @Test
  void patchThatReplacesTheRootWithANonObjectIsRefused() {
    assertThatThrownBy(() -> Patches.apply(PatchType.JSON_PATCH, CONFIG, Json.createReader(
        new StringReader("[{\"op\":\"replace\",\"path\":\"\",\"value\":1}]")).readArray()))
        .isInstanceOf(InvalidPatchException.class);
  }
}
