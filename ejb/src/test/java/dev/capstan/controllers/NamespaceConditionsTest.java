package dev.capstan.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NamespaceConditionsTest {

  private static final Instant T1 = Instant.parse("2026-12-06T10:00:00.123Z");
  private static final Instant T2 = Instant.parse("2026-12-06T10:05:00Z");

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }

  private static JsonObject condition(JsonObject namespace, String type) {
    return namespace.getJsonObject("status").getJsonArray("conditions")
        .getValuesAs(JsonObject.class).stream()
        .filter(c -> c.getString("type").equals(type)).findFirst().orElseThrow();
  }

  @Test
  void remainingContentAndFinalizersAndFailuresAreReportedAsKubernetesWordsThem() {
    NamespaceConditions.Pass pass = new NamespaceConditions.Pass();
    pass.remains("configmaps", "", json("{\"metadata\":{\"finalizers\":[\"example.com/f\"]}}"));
    pass.remains("configmaps", "", json("{\"metadata\":{}}"));
    pass.remains("deployments", "apps", json("{\"metadata\":{\"finalizers\":[\"example.com/f\"]}}"));
    pass.failed("secrets.: Internal error occurred: boom");

    JsonObject namespace = NamespaceConditions.apply(
        json("{\"metadata\":{\"name\":\"n\"},\"status\":{\"phase\":\"Terminating\"}}"), pass, T1);

    assertThat(namespace.getJsonObject("status").getString("phase")).isEqualTo("Terminating");
    assertThat(namespace.getJsonObject("status").getJsonArray("conditions")
        .getValuesAs(JsonObject.class).stream().map(c -> c.getString("type")).toList())
        .isEqualTo(List.of("NamespaceDeletionDiscoveryFailure",
            "NamespaceDeletionGroupVersionParsingFailure", "NamespaceDeletionContentFailure",
            "NamespaceContentRemaining", "NamespaceFinalizersRemaining"));
    JsonObject discovery = condition(namespace, "NamespaceDeletionDiscoveryFailure");
    assertThat(discovery.getString("status")).isEqualTo("False");
    assertThat(discovery.getString("reason")).isEqualTo("ResourcesDiscovered");
    assertThat(discovery.getString("message")).isEqualTo("All resources successfully discovered");
    assertThat(discovery.getString("lastTransitionTime")).isEqualTo("2026-12-06T10:00:00Z");
    JsonObject content = condition(namespace, "NamespaceDeletionContentFailure");
    assertThat(content.getString("status")).isEqualTo("True");
    assertThat(content.getString("reason")).isEqualTo("ContentDeletionFailed");
    assertThat(content.getString("message")).isEqualTo(
        "Failed to delete all resource types, 1 remaining: secrets.: Internal error occurred: boom");
    JsonObject remaining = condition(namespace, "NamespaceContentRemaining");
    assertThat(remaining.getString("reason")).isEqualTo("SomeResourcesRemain");
    assertThat(remaining.getString("message")).isEqualTo("Some resources are remaining:"
        + " configmaps. has 2 resource instances, deployments.apps has 1 resource instances");
    JsonObject finalizers = condition(namespace, "NamespaceFinalizersRemaining");
    assertThat(finalizers.getString("reason")).isEqualTo("SomeFinalizersRemain");
    assertThat(finalizers.getString("message")).isEqualTo(
        "Some content in the namespace has finalizers remaining: example.com/f in 2 resource"
            + " instances");
  }

  @Test
  void anUnchangedPassChangesNothingAndATransitionMovesOnlyItsTime() {
    NamespaceConditions.Pass remaining = new NamespaceConditions.Pass();
    remaining.remains("pods", "", json("{\"metadata\":{}}"));
    JsonObject first = NamespaceConditions.apply(json("{\"status\":{}}"), remaining, T1);

    assertThat(NamespaceConditions.apply(first, remaining, T2)).isSameAs(first);

    JsonObject cleared = NamespaceConditions.apply(first, new NamespaceConditions.Pass(), T2);
    JsonObject content = condition(cleared, "NamespaceContentRemaining");
    assertThat(content.getString("status")).isEqualTo("False");
    assertThat(content.getString("reason")).isEqualTo("ContentRemoved");
    assertThat(content.getString("message")).isEqualTo("All content successfully removed");
    assertThat(content.getString("lastTransitionTime")).isEqualTo("2026-12-06T10:05:00Z");
    assertThat(condition(cleared, "NamespaceDeletionDiscoveryFailure")
        .getString("lastTransitionTime")).isEqualTo("2026-12-06T10:00:00Z");
  }
}
