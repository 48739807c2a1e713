package dev.capstan.api.objects;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.api.status.ApiException;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.Preconditions;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A DELETE's preconditions in the words of the kube-apiserver code that checks them. */
class DeletePreconditionsTest {

  private static final JsonObject DEPLOYMENT = json(
      "{\"metadata\":{\"name\":\"web\",\"uid\":\"u-1\",\"resourceVersion\":\"42\"}}");

  @Test
  void aWrongUidIsBeforeDeletesConflictOnTheKindAndGroup() {
    assertThatThrownBy(() -> DeletePreconditions.check(ResourceTypes.DEPLOYMENT, DEPLOYMENT,
        new Preconditions(Optional.of("u-2"), Optional.empty())))
        .isInstanceOfSatisfying(ApiException.class, e -> org.assertj.core.api.Assertions
            .assertThat(e.status().getString("message")).isEqualTo("Operation cannot be"
                + " fulfilled on Deployment.apps \"web\": the UID in the precondition (u-2) does"
                + " not match the UID in record (u-1). The object might have been deleted and"
                + " then recreated"));
  }

  @Test
  void aWrongResourceVersionComparedAsAString() {
    assertThatThrownBy(() -> DeletePreconditions.check(ResourceTypes.CONFIG_MAP, DEPLOYMENT,
        new Preconditions(Optional.empty(), Optional.empty(), Optional.of("042"))))
        .isInstanceOfSatisfying(ApiException.class, e -> org.assertj.core.api.Assertions
            .assertThat(e.status().getString("message")).isEqualTo("Operation cannot be"
                + " fulfilled on ConfigMap \"web\": the ResourceVersion in the precondition (042)"
                + " does not match the ResourceVersion in record (42). The object might have been"
                + " modified"));
    assertThatCode(() -> DeletePreconditions.check(ResourceTypes.CONFIG_MAP, DEPLOYMENT,
        new Preconditions(Optional.of("u-1"), Optional.of(42L)))).doesNotThrowAnyException();
  }

  @Test
  void aNamespaceIsCheckedInItsStoragesWords() {
    assertThatThrownBy(() -> DeletePreconditions.checkNamespace(DEPLOYMENT,
        new Preconditions(Optional.of("u-2"), Optional.empty())))
        .isInstanceOfSatisfying(ApiException.class, e -> org.assertj.core.api.Assertions
            .assertThat(e.status().getString("message")).isEqualTo("Operation cannot be"
                + " fulfilled on namespaces \"web\": Precondition failed: UID in precondition:"
                + " u-2, UID in object meta: u-1"));
  }

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }
}
