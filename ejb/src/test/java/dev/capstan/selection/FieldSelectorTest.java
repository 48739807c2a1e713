package dev.capstan.selection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FieldSelectorTest {

  private static final JsonObject POD = Json.createReader(new StringReader("""
      {"metadata":{"name":"web-1","namespace":"default"},
       "spec":{"nodeName":"node-a","hostNetwork":false},
       "status":{"phase":"Running"}}""")).readObject();

  @ParameterizedTest(name = "\"{0}\" → {1}")
  @CsvSource(delimiter = '|', value = {
      "''|true",
      "metadata.name=web-1|true",
      "metadata.name==web-1|true",
      "metadata.name!=web-1|false",
      "spec.nodeName=node-a,status.phase=Running|true",
      "status.phase!=Running|false",
      "spec.schedulerName=|true",
      "spec.schedulerName!=|false",
      "spec.hostNetwork=false|true"})
  void matchesPodFields(String selector, boolean matches) {
    assertThat(FieldSelector.parse(selector).matches(POD)).isEqualTo(matches);
  }

  @Test
  void escapedCharactersBelongToTheValue() {
    FieldSelector selector = FieldSelector.parse("metadata.name=a\\,b\\=c");
    assertThat(selector.requirements()).containsExactly(
        new FieldSelector.FieldRequirement("metadata.name", true, "a,b=c"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"metadata.name", "=x", "metadata.name=a=b", "a=b\\q"})
  void malformedSelectorsAreRefused(String selector) {
    assertThatThrownBy(() -> FieldSelector.parse(selector)).isInstanceOf(InvalidSelectorException.class);
  }

  @Test
  void unsupportedFieldIsNamedAsKubernetesNamesIt() {
    assertThatThrownBy(() -> FieldSelector.parse("spec.secret=x")
        .requireSupported(Set.of("metadata.name", "spec.nodeName")))
        .isInstanceOf(InvalidSelectorException.class)
        .hasMessage("field label not supported: spec.secret");
  }
}
