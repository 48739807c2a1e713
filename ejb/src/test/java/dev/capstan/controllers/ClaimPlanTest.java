package dev.capstan.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.selection.LabelSelector;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClaimPlanTest {

  private static final String OWNER = "uid-owner";
  private static final Optional<LabelSelector> WEB =
      Optional.of(LabelSelector.fromMap(Map.of("app", "web")));

  enum Outcome { OWNED, ADOPT, RELEASE, IGNORED }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("its own, matching, is kept", object("web", OWNER, false, false), WEB, true,
            Outcome.OWNED),
        Arguments.of("its own, no longer matching, is released", object("db", OWNER, false,
            false), WEB, true, Outcome.RELEASE),
        Arguments.of("a matching orphan is adopted", object("web", null, false, false), WEB,
            true, Outcome.ADOPT),
        Arguments.of("an orphan that does not match is left alone", object("db", null, false,
            false), WEB, true, Outcome.IGNORED),
        Arguments.of("another controller's object is never touched", object("web", "uid-other",
            false, false), WEB, true, Outcome.IGNORED),
        Arguments.of("an orphan being deleted is not adopted", object("web", null, true, false),
            WEB, true, Outcome.IGNORED),
        Arguments.of("an orphan that is not claimable (a finished pod) is not adopted",
            object("web", null, false, true), WEB, true, Outcome.IGNORED),
        Arguments.of("its own that is not claimable is not released", object("db", OWNER, false,
            true), WEB, true, Outcome.IGNORED),
        Arguments.of("a controller that never adopts keeps its own whatever the labels",
            object("db", OWNER, false, false), WEB, false, Outcome.OWNED),
        Arguments.of("a controller that never adopts leaves orphans", object("web", null, false,
            false), WEB, false, Outcome.IGNORED),
        Arguments.of("without a selector nothing is adopted", object("web", null, false, false),
            Optional.empty(), true, Outcome.IGNORED),
        Arguments.of("without a selector its own are kept, not released", object("web", OWNER,
            false, false), Optional.empty(), true, Outcome.OWNED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void claimsAsControllerRefManagerDoes(String behaviour, JsonObject object,
      Optional<LabelSelector> selector, boolean adoptsOrphans, Outcome expected) {
    Predicate<JsonObject> claimable = o -> !o.getJsonObject("status").getString("phase", "")
        .equals("Succeeded");

    ClaimPlan plan = ClaimPlan.of(OWNER, selector, adoptsOrphans, claimable, List.of(object));

    Outcome outcome = plan.owned().contains(object) ? Outcome.OWNED
        : plan.adopt().contains(object) ? Outcome.ADOPT
        : plan.release().contains(object) ? Outcome.RELEASE : Outcome.IGNORED;
    assertThat(outcome).as(behaviour).isEqualTo(expected);
    assertThat(plan.owned().size() + plan.adopt().size() + plan.release().size())
        .isLessThanOrEqualTo(1);
  }

  private static JsonObject object(String app, String controllerUid, boolean deleting,
      boolean finished) {
    JsonObjectBuilder metadata = Json.createObjectBuilder().add("name", "p-" + app)
        .add("namespace", "ns").add("resourceVersion", "7")
        .add("labels", Json.createObjectBuilder().add("app", app));
    if (controllerUid != null) {
      metadata.add("ownerReferences", Json.createArrayBuilder().add(Json.createObjectBuilder()
          .add("apiVersion", "apps/v1").add("kind", "ReplicaSet").add("name", "rs")
          .add("uid", controllerUid).add("controller", true)));
    }
    if (deleting) {
      metadata.add("deletionTimestamp", "2026-12-06T04:00:00Z");
    }
    return Json.createObjectBuilder().add("metadata", metadata)
        .add("status", Json.createObjectBuilder().add("phase", finished ? "Succeeded" : "Pending"))
        .build();
  }
}
