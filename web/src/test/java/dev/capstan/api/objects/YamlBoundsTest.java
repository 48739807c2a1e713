package dev.capstan.api.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.api.status.ApiException;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** YAML bodies are bounded as go-yaml bounds them, before anything is built from them. */
class YamlBoundsTest {

  /** The fuzzer's "billion laughs": ten "lol"s, then levels of ten aliases of the level before. */
  static String laughs(int levels) {
    StringBuilder bomb = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
        + "data:\n  l0: &l0 [" + String.join(",", Collections.nCopies(10, "\"lol\"")) + "]\n");
    for (int i = 1; i <= levels; i++) {
      bomb.append("  l").append(i).append(": &l").append(i).append(" [")
          .append(String.join(",", Collections.nCopies(10, "*l" + (i - 1)))).append("]\n");
    }
    return bomb.toString();
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 4, 5, 6, 9})
  void aliasesExpandingToMostOfTheDocumentAreRefusedAtOnceAsGoYamlRefusesThem(int levels) {
    Instant start = Instant.now();
    assertThatThrownBy(() -> YamlBodies.decode(laughs(levels)))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.getMessage()).isEqualTo("yaml: document contains excessive aliasing");
        });
    assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void twoLevelsOfAliasesAreAcceptedAndExpandedAsGoYamlAcceptsThem() {
    JsonObject data = YamlBodies.decode(laughs(2)).asJsonObject().getJsonObject("data");

    assertThat(data.getJsonArray("l2")).hasSize(10);
    assertThat(data.getJsonArray("l2").getJsonArray(9).getJsonArray(9).getString(9))
        .isEqualTo("lol");
  }

  @Test
  void manyAliasesOfSmallValuesAreAcceptedAsKubernetesAcceptsThem() {
    String items = String.join(", ", Collections.nCopies(300, "*b"));
    JsonObject object = YamlBodies.decode("base: &b {x: 1}\nitems: [" + items + "]\n")
        .asJsonObject();

    assertThat(object.getJsonArray("items")).hasSize(300);
    assertThat(object.getJsonArray("items").getJsonObject(299).getInt("x")).isEqualTo(1);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "a: &x {b: *x}                 | yaml: anchor 'x' value contains itself",
      "data: &a\\n  x: *a             | yaml: anchor 'a' value contains itself",
      "l: &l [1, [2, *l]]            | yaml: anchor 'l' value contains itself"})
  void anAnchorWhoseValueHoldsItsOwnAliasIsRefused(String yaml, String message) {
    assertThatThrownBy(() -> YamlBodies.decode(yaml.replace("\\n", "\n")))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.getMessage()).isEqualTo(message);
        });
  }

  @Test
  void anAliasOfANameDefinedAgainInsideItsOldValueNamesTheNewValue() {
    assertThat(YamlBodies.decode("l: &a [1, &a x, *a]\n").asJsonObject().getJsonArray("l")
        .getString(2)).isEqualTo("x");
  }

  @Test
  void nestingBeyondTheLimitIsRefusedWithoutRecursion() {
    assertThatThrownBy(() -> YamlBodies.decode("x: " + "[".repeat(100_000) + "]".repeat(100_000)))
        .isInstanceOfSatisfying(ApiException.class,
            e -> assertThat(e.getMessage()).isEqualTo("yaml: exceeded max depth of 1000"));
  }

  @ParameterizedTest
  @CsvSource({"0, 0.99", "400000, 0.99", "2200000, 0.545", "4000000, 0.10", "9000000, 0.10"})
  void theAllowedShareOfAliasesIsGoYamls(long decoded, double allowed) {
    assertThat(YamlBounds.allowedAliasRatio(decoded)).isCloseTo(allowed,
        org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void tenThousandValuesDecodeQuickly() {
    String items = String.join(", ", Collections.nCopies(10_000, "a"));
    Instant start = Instant.now();

    assertThat(YamlBodies.decode("items: [" + items + "]\n").asJsonObject()
        .getJsonArray("items")).hasSize(10_000);
    assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(1));
  }
}
