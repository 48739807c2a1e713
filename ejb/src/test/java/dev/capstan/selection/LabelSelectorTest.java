package dev.capstan.selection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.selection.LabelSelector.Operator;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LabelSelectorTest {

  private static final Map<String, String> WEB_STABLE =
      Map.of("app", "web", "track", "stable", "tier", "2");

  @ParameterizedTest(name = "\"{0}\" on app=web,track=stable → {1}")
  @CsvSource(delimiter = '|', value = {
      "''|true",
      "app=web|true",
      "app==web|true",
      "app = web|true",
      "app=db|false",
      "app!=db|true",
      "app!=web|false",
      "missing!=x|true",
      "app in (web,db)|true",
      "app in ( db , cache )|false",
      "app notin (db)|true",
      "missing notin (db)|true",
      "missing in (db)|false",
      "app|true",
      "missing|false",
      "!missing|true",
      "!app|false",
      "app=web,track=stable|true",
      "app=web, track=canary|false",
      "app=web,!missing,track in (stable)|true",
      "tier>1|true",
      "tier>2|false",
      "tier<3|true",
      "app>1|false",
      "missing<5|false"})
  void matchesLikeKubernetes(String selector, boolean matches) {
    assertThat(LabelSelector.parse(selector).matches(WEB_STABLE)).isEqualTo(matches);
  }

  @Test
  void referenceExamplesParseToTheirRequirements() {
    assertThat(LabelSelector.parse("name in (node-js,node-js-labels)").requirements())
        .containsExactly(new LabelSelector.Requirement("name", Operator.IN,
            List.of("node-js", "node-js-labels")));
    assertThat(LabelSelector.parse("deployment notin (test, production)").requirements())
        .containsExactly(new LabelSelector.Requirement("deployment", Operator.NOT_IN,
            List.of("test", "production")));
    assertThat(LabelSelector.parse("component").requirements())
        .containsExactly(new LabelSelector.Requirement("component", Operator.EXISTS, List.of()));
  }

  @Test
  void emptyValueIsAllowedForEquality() {
    assertThat(LabelSelector.parse("tier=").matches(Map.of("tier", ""))).isTrue();
    assertThat(LabelSelector.parse("tier==").matches(Map.of("tier", ""))).isTrue();
    assertThat(LabelSelector.parse("tier=").matches(Map.of("tier", "x"))).isFalse();
  }

  @Test
  void anEmptySetHoldsTheEmptyValueAsInKubernetes() {
    assertThat(LabelSelector.parse("x in ()").matches(Map.of("x", ""))).isTrue();
    assertThat(LabelSelector.parse("x in ()").matches(Map.of("x", "a"))).isFalse();
    assertThat(LabelSelector.parse("x notin ( )").matches(Map.of())).isTrue();
    assertThat(LabelSelector.parse("x notin (abc,,def),bar,z in (),w").requirements()).hasSize(4);
  }

  @Test
  void prefixedKeysAreAccepted() {
    assertThat(LabelSelector.parse("kubernetes.io/hostname=node-1")
        .matches(Map.of("kubernetes.io/hostname", "node-1"))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"app in (web", "x==a==b", "x>a", "x<", "=web", "app=web,", "app=(x)", "app in (a b)",
      "Bad_Prefix.com/x=1", "app=" + "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv",
      "app in web", "app=a b", "-lead=x", "app=web)", "!"})
  void malformedSelectorsAreRefusedWithAReason(String selector) {
    assertThatThrownBy(() -> LabelSelector.parse(selector))
        .isInstanceOf(InvalidSelectorException.class)
        .hasMessageNotContaining("null");
  }

  @Test
  void canonicalStringRoundTrips() {
    LabelSelector selector = LabelSelector.parse(" app = web ,tier in ( a , b ),!x");
    assertThat(selector).hasToString("app=web,tier in (a,b),!x");
    assertThat(LabelSelector.parse(selector.toString()).requirements())
        .isEqualTo(selector.requirements());
  }

  @Test
  void objectFormCombinesMatchLabelsAndExpressions() {
    LabelSelector selector = LabelSelector.fromJson(json("""
        {"matchLabels":{"app":"web"},
         "matchExpressions":[{"key":"track","operator":"In","values":["stable","canary"]},
                             {"key":"legacy","operator":"DoesNotExist"}]}"""));

    assertThat(selector.matches(WEB_STABLE)).isTrue();
    assertThat(selector.matches(Map.of("app", "web", "track", "stable", "legacy", "1"))).isFalse();
    assertThat(LabelSelector.fromJson(json("{}")).isEmpty()).isTrue();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Bogus\"}]}|matchExpressions[0].operator",
      "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\"}]}|matchExpressions[0].values",
      "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Exists\",\"values\":[\"x\"]}]}|matchExpressions[0].values",
      "{\"matchLabels\":{\"a\":1}}|matchLabels.a"})
  void objectFormErrorsNameTheField(String selector, String field) {
    assertThatThrownBy(() -> LabelSelector.fromJson(json(selector)))
        .isInstanceOf(InvalidSelectorException.class)
        .hasMessageContaining(field);
  }

  @Test
  void mapFormIsEqualityOnEveryEntry() {
    LabelSelector selector = LabelSelector.fromMap(Map.of("name", "node-js"));
    assertThat(selector.matches(Map.of("name", "node-js", "other", "x"))).isTrue();
    assertThat(selector.matches(Map.of("name", "other"))).isFalse();
  }

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }
}
