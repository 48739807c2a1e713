package dev.capstan.api.access.audit;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import org.junit.jupiter.api.Test;

class AuditorTest {

  @Test
  void failedAuthenticationSaysWhatWasTriedAsKubeApiserverDoes() {
    assertThat(Auditor.authenticationMessage("Bearer abc", null))
        .isEqualTo("Authentication failed, attempted: bearer");
    assertThat(Auditor.authenticationMessage(null, "access_token=x&watch=1"))
        .isEqualTo("Authentication failed, attempted: access_token");
    assertThat(Auditor.authenticationMessage("Basic YTpi", null))
        .isEqualTo("Authentication failed, attempted: basic");
    assertThat(Auditor.authenticationMessage(null, null))
        .isEqualTo("Authentication failed, no credentials provided");
  }

  @Test
  void managedFieldsAreLeftOutWhenThePolicySaysSo() {
    var object = Json.createObjectBuilder().add("kind", "ConfigMap")
        .add("metadata", Json.createObjectBuilder().add("name", "c")
            .add("managedFields", Json.createArrayBuilder())).build();
    assertThat(Auditor.withoutManagedFields(object).toString())
        .isEqualTo("{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}");
  }
}
