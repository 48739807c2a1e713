package dev.capstan.api.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.api.status.ApiException;
import jakarta.json.Json;
import java.io.StringReader;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A DELETE's body decoded as Go decodes it into {@code metav1.DeleteOptions}. */
class DeleteOptionsTest {

  @Test
  void whatKubectlSendsIsDecoded() {
    DeleteOptions options = DeleteOptions.of(json("{\"kind\":\"DeleteOptions\",\"apiVersion\":"
        + "\"v1\",\"gracePeriodSeconds\":0,\"propagationPolicy\":\"Background\","
        + "\"preconditions\":{\"uid\":\"u-1\",\"resourceVersion\":\"42\"}}"), "");

    assertThat(options.gracePeriodSeconds()).isEqualTo(OptionalLong.of(0));
    assertThat(options.propagationPolicy()).contains("Background");
    assertThat(options.preconditions().uid()).isEqualTo(Optional.of("u-1"));
    assertThat(options.preconditions().resourceVersion()).isEqualTo(Optional.of(42L));
  }

  @ParameterizedTest
  @CsvSource({"abc", "007", "+7", "99999999999999999999"})
  void aResourceVersionThatIsNoRevisionIsKeptAsOneNoObjectHas(String text) {
    DeleteOptions options = DeleteOptions.of(json("{\"preconditions\":{\"resourceVersion\":\""
        + text + "\"}}"), "");

    // Kubernetes compares it with the object's as a string: a 409 at the store, not a 400
    assertThat(options.preconditions().resourceVersion()).isEmpty();
    assertThat(options.preconditions().unmatchableResourceVersion()).contains(text);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{\"preconditions\":1E10}"
          + " | json: cannot unmarshal number into Go struct field DeleteOptions.preconditions"
          + " of type v1.Preconditions",
      "{\"preconditions\":[\"a\"]}"
          + " | json: cannot unmarshal array into Go struct field DeleteOptions.preconditions"
          + " of type v1.Preconditions",
      "{\"preconditions\":{\"uid\":5}}"
          + " | json: cannot unmarshal number into Go struct field Preconditions.preconditions.uid"
          + " of type types.UID",
      "{\"preconditions\":{\"resourceVersion\":{}}}"
          + " | json: cannot unmarshal object into Go struct field"
          + " Preconditions.preconditions.resourceVersion of type string",
      "{\"kind\":5}"
          + " | json: cannot unmarshal number into Go struct field DeleteOptions.kind of type string",
      "{\"apiVersion\":true}"
          + " | json: cannot unmarshal bool into Go struct field DeleteOptions.apiVersion of type"
          + " string",
      "{\"propagationPolicy\":1E10}"
          + " | json: cannot unmarshal number into Go struct field DeleteOptions.propagationPolicy"
          + " of type v1.DeletionPropagation",
      "{\"gracePeriodSeconds\":1.5}"
          + " | json: cannot unmarshal number 1.5 into Go struct field"
          + " DeleteOptions.gracePeriodSeconds of type int64",
      "{\"dryRun\":\"All\"}"
          + " | json: cannot unmarshal string into Go struct field DeleteOptions.dryRun of type"
          + " []string"})
  void membersOfTheWrongTypeAreGosDecodingError(String body, String message) {
    assertThatThrownBy(() -> DeleteOptions.of(json(body), ""))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.getMessage()).isEqualTo(message);
        });
  }

  @Test
  void inAnEvictionTheFieldPathStartsAtItsDeleteOptions() {
    assertThatThrownBy(() -> DeleteOptions.of(json("{\"preconditions\":{\"uid\":[]}}"),
        "deleteOptions."))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).isEqualTo(
            "json: cannot unmarshal array into Go struct field"
                + " Preconditions.deleteOptions.preconditions.uid of type types.UID"));
  }

  private static jakarta.json.JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }
}
