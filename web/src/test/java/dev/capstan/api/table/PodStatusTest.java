package dev.capstan.api.table;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PodStatusTest {

  private static final String SPEC = "\"spec\":{\"initContainers\":[{\"name\":\"a\"},{\"name\":\"b\"}],"
      + "\"containers\":[{\"name\":\"main\"}]}";

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "first init running | [{\"state\":{\"running\":{}}},{\"state\":{\"waiting\":{\"reason\":\"PodInitializing\"}}}] | Init:0/2",
      "second init running | [{\"state\":{\"terminated\":{\"exitCode\":0,\"reason\":\"Completed\"}}},{\"state\":{\"running\":{}}}] | Init:1/2",
      "init failed | [{\"state\":{\"terminated\":{\"exitCode\":1,\"reason\":\"Error\"}}},{\"state\":{}}] | Init:Error",
      "init crash looping | [{\"state\":{\"waiting\":{\"reason\":\"CrashLoopBackOff\"}}},{\"state\":{}}] | Init:CrashLoopBackOff",
      "all done | [{\"state\":{\"terminated\":{\"exitCode\":0,\"reason\":\"Completed\"}}},{\"state\":{\"terminated\":{\"exitCode\":0,\"reason\":\"Completed\"}}}] | Running"})
  void initContainersShowAsKubectlPrintsThem(String what, String initStatuses, String expected) {
    JsonObject pod = json("{" + SPEC + ",\"status\":{\"phase\":\"" + (expected.equals("Running")
        ? "Running" : "Pending") + "\",\"initContainerStatuses\":" + initStatuses
        + ",\"containerStatuses\":[{\"state\":{\"running\":{}},\"restartCount\":1}]}}");

    assertThat(PodStatus.status(pod)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"2 | 3"})
  void restartsCountInitContainersToo(int initRestarts, long total) {
    JsonObject pod = json("{" + SPEC + ",\"status\":{\"initContainerStatuses\":[{\"restartCount\":"
        + initRestarts + "}],\"containerStatuses\":[{\"restartCount\":1}]}}");

    assertThat(PodStatus.restarts(pod)).isEqualTo(total);
  }

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }
}
