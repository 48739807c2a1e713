package dev.capstan.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeMatchingTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "no constraints|{}|true",
      "nodeSelector matches|{\"nodeSelector\":{\"disk\":\"ssd\"}}|true",
      "nodeSelector does not match|{\"nodeSelector\":{\"disk\":\"hdd\"}}|false",
      "matchFields pins this node|" + PINNED + "\"n1\"]}]}]}}}}|true",
      "matchFields pins another node|" + PINNED + "\"n2\"]}]}]}}}}|false",
      "matchFields with a label expression, both hold|{\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":\"disk\",\"operator\":\"Exists\"}],\"matchFields\":[{\"key\":\"metadata.name\",\"operator\":\"NotIn\",\"values\":[\"n2\"]}]}]}}}}|true",
      "an unsupported field never matches|{\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":[{\"matchFields\":[{\"key\":\"metadata.uid\",\"operator\":\"In\",\"values\":[\"n1\"]}]}]}}}}|false",
      "an empty term matches nothing|{\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":[{}]}}}}|false",
      "Gt on a numeric label|{\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":\"cores\",\"operator\":\"Gt\",\"values\":[\"4\"]}]}]}}}}|true"})
  void nodeSelectorAndRequiredAffinityDecide(String what, String podSpec, boolean accepted) {
    JsonObject node = parse("{\"metadata\":{\"name\":\"n1\",\"labels\":{\"disk\":\"ssd\","
        + "\"cores\":\"8\"}}}");

    assertThat(NodeMatching.accepts(parse(podSpec), node)).as(what).isEqualTo(accepted);
  }

  private static final String PINNED = "{\"affinity\":{\"nodeAffinity\":{"
      + "\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":[{"
      + "\"matchFields\":[{\"key\":\"metadata.name\",\"operator\":\"In\",\"values\":[";

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "no tolerations|[]|{\"key\":\"k\",\"value\":\"v\",\"effect\":\"NoSchedule\"}|false",
      "Equal with the value|[{\"key\":\"k\",\"value\":\"v\"}]|{\"key\":\"k\",\"value\":\"v\",\"effect\":\"NoSchedule\"}|true",
      "Equal with another value|[{\"key\":\"k\",\"value\":\"w\"}]|{\"key\":\"k\",\"value\":\"v\",\"effect\":\"NoSchedule\"}|false",
      "Exists for the key|[{\"key\":\"k\",\"operator\":\"Exists\"}]|{\"key\":\"k\",\"value\":\"v\",\"effect\":\"NoExecute\"}|true",
      "another effect|[{\"key\":\"k\",\"operator\":\"Exists\",\"effect\":\"NoExecute\"}]|{\"key\":\"k\",\"effect\":\"NoSchedule\"}|false",
      "Exists without a key tolerates everything|[{\"operator\":\"Exists\"}]|{\"key\":\"k\",\"effect\":\"NoSchedule\"}|true"})
  void tolerationsAgainstTaints(String what, String tolerations, String taint,
      boolean tolerated) {
    var untolerated = NodeMatching.untoleratedTaint(
        Json.createReader(new StringReader(tolerations)).readArray()
            .getValuesAs(JsonObject.class),
        java.util.List.of(parse(taint)), NodeMatching.SCHEDULING_EFFECTS);

    assertThat(untolerated.isEmpty()).as(what).isEqualTo(tolerated);
  }

  private static JsonObject parse(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }
}
