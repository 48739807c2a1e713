package dev.capstan.admission;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DefaultTolerationSecondsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "none: both added | [] | not-ready:10 unreachable:10",
      "not-ready tolerated: unreachable added"
          + " | [{\"key\":\"node.kubernetes.io/not-ready\",\"operator\":\"Exists\","
          + "\"effect\":\"NoExecute\",\"tolerationSeconds\":60}] | not-ready:60 unreachable:10",
      "a toleration of every key and effect: nothing added | [{\"operator\":\"Exists\"}] | :-",
      "a NoSchedule toleration does not count"
          + " | [{\"key\":\"node.kubernetes.io/unreachable\",\"operator\":\"Exists\","
          + "\"effect\":\"NoSchedule\"}] | unreachable:- not-ready:10 unreachable:10"})
  void podsGetLimitedTolerationsOfLostNodes(String behaviour, String tolerations,
      String expected) {
    JsonObject pod = Json.createReader(new StringReader(
        "{\"spec\":{\"tolerations\":" + tolerations + "}}")).readObject();

    JsonObject admitted = DefaultTolerationSeconds.apply(pod, 10);

    assertThat(String.join(" ", admitted.getJsonObject("spec").getJsonArray("tolerations")
        .getValuesAs(JsonObject.class).stream()
        .map(t -> t.getString("key", "").replace("node.kubernetes.io/", "") + ":"
            + (t.containsKey("tolerationSeconds") ? t.get("tolerationSeconds").toString() : "-"))
        .toList())).as(behaviour).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"Service, ''", "Pod, apps"})
  void onlyPodsAreChanged(String kind, String group) {
    JsonObject object = Json.createObjectBuilder().add("spec", Json.createObjectBuilder()).build();
    assertThat(DefaultTolerationSeconds.apply(group, kind, object)).isSameAs(object);
  }
}
