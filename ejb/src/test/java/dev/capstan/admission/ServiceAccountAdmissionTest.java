package dev.capstan.admission;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
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

  @Test
  void everyContainerMountsTheProjectedTokenVolumeAsKubernetesWritesIt() {
    JsonObject pod = json("{\"spec\":{\"initContainers\":[{\"name\":\"init\"}],"
        + "\"containers\":[{\"name\":\"app\",\"volumeMounts\":[{\"name\":\"data\","
        + "\"mountPath\":\"/data\"}]}],\"volumes\":[{\"name\":\"data\",\"emptyDir\":{}}]}}");

    JsonObject spec = ServiceAccountAdmission.withTokenVolume(pod, new Random(1))
        .getJsonObject("spec");

    JsonObject volume = spec.getJsonArray("volumes").getJsonObject(1);
    String name = volume.getString("name");
    assertThat(name).matches("kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}");
    assertThat(volume.getJsonObject("projected")).isEqualTo(json("""
        {"sources":[{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}},
         {"configMap":{"name":"kube-root-ca.crt","items":[{"key":"ca.crt","path":"ca.crt"}]}},
         {"downwardAPI":{"items":[{"path":"namespace","fieldRef":{"apiVersion":"v1",
           "fieldPath":"metadata.namespace"}}]}}],
         "defaultMode":420}"""));
    JsonObject mount = json("{\"name\":\"" + name + "\",\"readOnly\":true,"
        + "\"mountPath\":\"/var/run/secrets/kubernetes.io/serviceaccount\"}");
    assertThat(spec.getJsonArray("containers").getJsonObject(0).getJsonArray("volumeMounts"))
        .hasSize(2).last().isEqualTo(mount);
    assertThat(spec.getJsonArray("initContainers").getJsonObject(0)
        .getJsonArray("volumeMounts")).containsExactly(mount);
  }

  @Test
  void aContainerWithItsOwnMountAtTheTokenPathKeepsIt() {
    JsonObject pod = json("{\"spec\":{\"containers\":[{\"name\":\"app\",\"volumeMounts\":"
        + "[{\"name\":\"mine\",\"mountPath\":\"/var/run/secrets/kubernetes.io/serviceaccount\"}]}],"
        + "\"volumes\":[{\"name\":\"mine\",\"emptyDir\":{}}]}}");

    assertThat(ServiceAccountAdmission.withTokenVolume(pod, new Random(1))).isEqualTo(pod);
  }

  @ParameterizedTest(name = "pod {0}, account {1}: mounted {2}")
  @CsvSource(delimiter = '|', value = {
      "{}|{}|true",
      "{\"automountServiceAccountToken\":false}|{}|false",
      "{}|{\"automountServiceAccountToken\":false}|false",
      "{\"automountServiceAccountToken\":true}|{\"automountServiceAccountToken\":false}|true",
  })
  void automountingFollowsThePodThenItsAccount(String spec, String account, boolean mounted) {
    JsonObject pod = json("{\"spec\":" + spec + "}");

    assertThat(ServiceAccountAdmission.automounts(pod, Optional.of(json(account))))
        .isEqualTo(mounted);
  }

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }
}
