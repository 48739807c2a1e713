package dev.capstan.api.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.jsonp.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The TARGETS column as kubectl's formatHPAMetrics prints it. */
class AutoscalerTargetsTest {

  private static final String CPU = "{'type':'Resource','resource':{'name':'cpu','target':"
      + "{'type':'Utilization','averageUtilization':50}}}";
  private static final String MEMORY = "{'type':'Resource','resource':{'name':'memory','target':"
      + "{'type':'AverageValue','averageValue':'100Mi'}}}";
  private static final String CPU_NOW = "{'type':'Resource','resource':{'name':'cpu','current':"
      + "{'averageValue':'75m','averageUtilization':75}}}";
  private static final String MEMORY_NOW = "{'type':'Resource','resource':{'name':'memory',"
      + "'current':{'averageValue':'64Mi'}}}";

  @ParameterizedTest(name = "{2}")
  @CsvSource(delimiter = '|', value = {
      "[]|[]|<none>",
      "[" + CPU + "]|[]|cpu: <unknown>/50%",
      "[" + CPU + "]|[{'type':''}]|cpu: <unknown>/50%",
      "[" + CPU + "]|[" + CPU_NOW + "]|cpu: 75%/50%",
      "[" + CPU + "," + MEMORY + "]|[" + CPU_NOW + "," + MEMORY_NOW
          + "]|cpu: 75%/50%, memory: 64Mi/100Mi",
      "[" + CPU + "," + MEMORY + "," + CPU + "]|[]|cpu: <unknown>/50%, memory: <unknown>/100Mi"
          + " + 1 more..."})
  void printsEachMetricAsCurrentOverTarget(String metrics, String current, String expected) {
    JsonObject hpa = json("{'spec':{'metrics':" + metrics + "},'status':{'currentMetrics':"
        + current + "}}");
    assertThat(AutoscalerTargets.of(hpa)).isEqualTo(expected);
  }

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text.replace('\'', '"'))).readObject();
  }
}
