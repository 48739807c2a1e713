package dev.capstan.api.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.api.status.ApiException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EvictionsTest {

  @Test
  void theDeleteOptionsOfAnEvictionAreTheDeleteItAsksFor() {
    DeleteOptions options = Evictions.deleteOptions("web", json("""
        {"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"web"},
         "deleteOptions":{"gracePeriodSeconds":7,"preconditions":{"uid":"u-1"},
          "dryRun":["All"]}}"""));

    assertThat(options.gracePeriodSeconds()).isEqualTo(OptionalLong.of(7));
    assertThat(options.preconditions().uid()).isEqualTo(Optional.of("u-1"));
    assertThat(options.dryRun()).isTrue();
    assertThat(Evictions.deleteOptions("web", json("{\"apiVersion\":\"policy/v1beta1\","
        + "\"kind\":\"Eviction\"}")).gracePeriodSeconds()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a grace period that is not a number | {\"gracePeriodSeconds\":\"soon\"}"
          + " | 422 | deleteOptions.gracePeriodSeconds",
      "an unknown propagation policy | {\"propagationPolicy\":\"Sideways\"}"
          + " | 422 | deleteOptions.propagationPolicy",
      "a dry run other than All | {\"dryRun\":[\"Some\"]} | 422 | deleteOptions.dryRun",
      "a resourceVersion that is not one | {\"preconditions\":{\"resourceVersion\":\"x\"}}"
          + " | 422 | deleteOptions.preconditions.resourceVersion",
      "deleteOptions that are not an object | 5 | 422 | deleteOptions"})
  void malformedDeleteOptionsAreRefusedNamingTheField(String behaviour, String deleteOptions,
      int code, String field) {
    JsonObject eviction = json("{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\","
        + "\"metadata\":{\"name\":\"web\"},\"deleteOptions\":" + deleteOptions + "}");

    assertThatThrownBy(() -> Evictions.deleteOptions("web", eviction)).as(behaviour)
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.code()).isEqualTo(code);
          assertThat(e.status().getJsonObject("details").getJsonArray("causes").getJsonObject(0)
              .getString("field")).isEqualTo(field);
        });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "another kind | {\"apiVersion\":\"v1\",\"kind\":\"Pod\"}",
      "another pod's name | {\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\","
          + "\"metadata\":{\"name\":\"db\"}}"})
  void aBodyThatIsNotThisPodsEvictionIsABadRequest(String behaviour, String body) {
    assertThatThrownBy(() -> Evictions.deleteOptions("web", json(body))).as(behaviour)
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400));
  }

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }
}
