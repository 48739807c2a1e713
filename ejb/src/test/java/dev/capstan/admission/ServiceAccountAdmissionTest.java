package dev.capstan.admission;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServiceAccountAdmissionTest {

  @ParameterizedTest(name = "{0} runs as {1}")
  @CsvSource(delimiter = '|', value = {
      "{}|default|false",
      "{\"serviceAccountName\":\"robot\"}|robot|true",
      "{\"serviceAccount\":\"legacy\"}|legacy|true",
      "{\"serviceAccountName\":\"default\"}|default|false",
  })
  void aPodRunsAsTheAccountItNamesOrTheDefaultOne(String spec, String account,
      boolean mustExist) {
    JsonObject pod = json("{\"metadata\":{\"name\":\"p\"},\"spec\":" + spec + "}");

    JsonObject admitted = ServiceAccountAdmission.withAccount(pod);

    assertThat(admitted.getJsonObject("spec").getString("serviceAccountName")).isEqualTo(account);
    assertThat(admitted.getJsonObject("spec").getString("serviceAccount")).isEqualTo(account);
    assertThat(ServiceAccountAdmission.mustExist(account)).isEqualTo(mustExist);
    assertThat(ServiceAccountAdmission.isMirror(pod)).isFalse();
    assertThat(ServiceAccountAdmission.isMirror(json("{\"metadata\":{\"annotations\":"
        + "{\"kubernetes.io/config.mirror\":\"abc\"}}}"))).isTrue();
  }

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }
}
