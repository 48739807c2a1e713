package dev.capstan.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControllerHistoryTest {

  @Test
  void theFirstTemplateBecomesRevisionOneWithThePatchThatPutsItBack() {
    JsonObject ds = daemonSet("fluentd:1", 10);

    ControllerHistory.Actions actions = ControllerHistory.plan(ds, "DaemonSet",
        List.of(), List.of());

    JsonObject revision = actions.create().orElseThrow();
    String hash = DeploymentController.templateHash(template(ds));
    assertThat(revision.getJsonObject("metadata").getString("name")).isEqualTo("logs-" + hash);
    assertThat(revision.getJsonObject("metadata").getJsonObject("labels").toString())
        .isEqualTo("{\"app\":\"logs\",\"controller-revision-hash\":\"" + hash + "\"}");
    assertThat(revision.getJsonObject("metadata").getJsonObject("annotations")
        .getString("kubernetes.io/change-cause")).isEqualTo("set fluentd:1");
    JsonObject owner = revision.getJsonObject("metadata").getJsonArray("ownerReferences")
        .getJsonObject(0);
    assertThat(owner.getString("kind")).isEqualTo("DaemonSet");
    assertThat(owner.getString("uid")).isEqualTo("ds-uid");
    assertThat(owner.getBoolean("controller")).isTrue();
    assertThat(revision.getJsonNumber("revision").longValue()).isEqualTo(1);
    assertThat(revision.getJsonObject("data").getJsonObject("spec").getJsonObject("template")
        .getString("$patch")).isEqualTo("replace");
    assertThat(revision.getJsonObject("data").getJsonObject("spec").getJsonObject("template")
        .getJsonObject("spec").getJsonArray("containers").getJsonObject(0).getString("image"))
        .isEqualTo("fluentd:1");
    assertThat(actions.renumber()).isEmpty();
    assertThat(actions.delete()).isEmpty();
  }

  @Test
  void aNewTemplateIsTheNextRevisionAndTheCurrentOneIsLeftAlone() {
    JsonObject one = recorded(daemonSet("fluentd:1", 10), 1);
    JsonObject ds = daemonSet("fluentd:2", 10);

    ControllerHistory.Actions actions = ControllerHistory.plan(ds, "DaemonSet",
        List.of(one), List.of());
    assertThat(actions.create().orElseThrow().getJsonNumber("revision").longValue()).isEqualTo(2);

    JsonObject two = actions.create().get();
    ControllerHistory.Actions again = ControllerHistory.plan(ds, "DaemonSet",
        List.of(one, two), List.of());
    assertThat(again.create()).isEmpty();
    assertThat(again.renumber()).isEmpty();
  }

  @Test
  void aTemplateThatComesBackKeepsItsRevisionRenumberedAsTheNewest() {
    JsonObject one = recorded(daemonSet("fluentd:1", 10), 1);
    JsonObject two = recorded(daemonSet("fluentd:2", 10), 2);
    // kubectl rollout undo: the first template again
    ControllerHistory.Actions actions = ControllerHistory.plan(daemonSet("fluentd:1", 10),
        "DaemonSet", List.of(one, two), List.of());

    assertThat(actions.create()).isEmpty();
    JsonObject renumbered = actions.renumber().orElseThrow();
    assertThat(renumbered.getJsonObject("metadata").getString("name"))
        .isEqualTo(one.getJsonObject("metadata").getString("name"));
    assertThat(renumbered.getJsonNumber("revision").longValue()).isEqualTo(3);
  }

  @Test
  void beyondTheLimitTheOldestRevisionsNoPodRunsAreDeleted() {
    List<JsonObject> revisions = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      revisions.add(recorded(daemonSet("fluentd:" + i, 2), i));
    }
    JsonObject ds = daemonSet("fluentd:5", 2);
    // a pod still runs revision 1's template
    String oldest = revisions.get(0).getJsonObject("metadata").getJsonObject("labels")
        .getString("controller-revision-hash");
    JsonObject pod = parse("{\"metadata\":{\"name\":\"logs-abcde\",\"labels\":{"
        + "\"controller-revision-hash\":\"" + oldest + "\"}}}");

    ControllerHistory.Actions actions = ControllerHistory.plan(ds, "DaemonSet",
        revisions, List.of(pod));

    // four old ones, two kept: the oldest not running goes, revisions 2 and 3
    assertThat(actions.delete()).containsExactly(
        revisions.get(1).getJsonObject("metadata").getString("name"),
        revisions.get(2).getJsonObject("metadata").getString("name"));
    assertThat(actions.create().orElseThrow().getJsonNumber("revision").longValue()).isEqualTo(5);
  }

  private static JsonObject recorded(JsonObject ds, long revision) {
    JsonObject created = ControllerHistory.plan(ds, "DaemonSet",
        List.of(), List.of()).create().orElseThrow();
    return Json.createObjectBuilder(created).add("revision", revision).build();
  }

  private static JsonObject template(JsonObject ds) {
    return ds.getJsonObject("spec").getJsonObject("template");
  }

  private static JsonObject daemonSet(String image, int historyLimit) {
    return parse("""
        {"metadata":{"name":"logs","namespace":"ns","uid":"ds-uid",
          "annotations":{"kubernetes.io/change-cause":"set %s"}},
         "spec":{"revisionHistoryLimit":%d,"selector":{"matchLabels":{"app":"logs"}},
          "template":{"metadata":{"labels":{"app":"logs"}},
           "spec":{"containers":[{"name":"c","image":"%s"}]}}}}"""
        .formatted(image, historyLimit, image));
  }

  private static JsonObject parse(String json) {
    return Json.createReader(new StringReader(json)).readObject();
  }
}
