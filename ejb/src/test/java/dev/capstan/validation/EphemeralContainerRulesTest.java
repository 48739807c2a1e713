package dev.capstan.validation;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class EphemeralContainerRulesTest {

  private static final String DEBUGGER =
      "{\"name\":\"debugger\",\"image\":\"busybox\",\"targetContainerName\":\"web\"}";

  @Test
  void addingADebuggerThatTargetsAContainerIsAllowed() {
    assertThat(EphemeralContainerRules.validateUpdate(pod(""), pod(DEBUGGER))).isEmpty();
  }

  @Test
  void existingEphemeralContainersMayNotBeRemovedOrChanged() {
    assertThat(messages(EphemeralContainerRules.validateUpdate(pod(DEBUGGER), pod(""))))
        .containsExactly("spec.ephemeralContainers: Forbidden: existing ephemeral containers"
            + " \"debugger\" may not be removed");
    assertThat(messages(EphemeralContainerRules.validateUpdate(pod(DEBUGGER),
        pod(DEBUGGER.replace("busybox", "alpine")))))
        .containsExactly("spec.ephemeralContainers[debugger]: Forbidden: existing ephemeral"
            + " containers \"debugger\" may not be changed");
  }

  @Test
  void namesImagesTargetsAndForbiddenFieldsAreCheckedAsKubernetesDoes() {
    List<FieldError> errors = EphemeralContainerRules.validateUpdate(pod(""), pod(
        "{\"name\":\"web\",\"image\":\"busybox\",\"ports\":[{\"containerPort\":80}]},"
            + "{\"name\":\"d2\",\"targetContainerName\":\"nope\",\"resources\":{}}"));

    assertThat(messages(errors)).containsExactly(
        "spec.ephemeralContainers[0].name: Duplicate value: \"web\"",
        "spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container",
        "spec.ephemeralContainers[1].image: Required value",
        "spec.ephemeralContainers[1].targetContainerName: Not found: \"nope\"");
  }

  private static List<String> messages(List<FieldError> errors) {
    return errors.stream().map(FieldError::toString).toList();
  }

  private static JsonObject pod(String ephemeral) {
    return Json.createReader(new StringReader("{\"metadata\":{\"name\":\"p\"},\"spec\":{"
        + "\"containers\":[{\"name\":\"web\",\"image\":\"busybox\"}]"
        + (ephemeral.isEmpty() ? "" : ",\"ephemeralContainers\":[" + ephemeral + "]") + "}}"))
        .readObject();
  }
}
