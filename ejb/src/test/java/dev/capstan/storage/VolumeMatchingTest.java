package dev.capstan.storage;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VolumeMatchingTest {

  @Test
  void theSmallestVolumeThatFitsIsChosen() {
    List<JsonObject> volumes = List.of(
        volume("big", "10Gi", "[\"ReadWriteOnce\"]", "", "{}", ""),
        volume("small", "1Gi", "[\"ReadWriteOnce\",\"ReadOnlyMany\"]", "", "{}", ""),
        volume("tiny", "100Mi", "[\"ReadWriteOnce\"]", "", "{}", ""));

    assertThat(name(VolumeMatching.bestFor(claim("500Mi", "[\"ReadWriteOnce\"]", null, null),
        volumes))).isEqualTo("small");
  }

  @Test
  void classAccessModesAndSelectorMustAllMatch() {
    List<JsonObject> volumes = List.of(
        volume("other-class", "1Gi", "[\"ReadWriteOnce\"]", "fast", "{}", ""),
        volume("read-only", "1Gi", "[\"ReadOnlyMany\"]", "", "{}", ""),
        volume("unlabelled", "1Gi", "[\"ReadWriteOnce\"]", "", "{}", ""),
        volume("labelled", "2Gi", "[\"ReadWriteOnce\"]", "", "{\"tier\":\"db\"}", ""));

    assertThat(name(VolumeMatching.bestFor(claim("1Gi", "[\"ReadWriteOnce\"]", null,
        "{\"matchLabels\":{\"tier\":\"db\"}}"), volumes))).isEqualTo("labelled");
    assertThat(name(VolumeMatching.bestFor(claim("1Gi", "[\"ReadWriteOnce\"]", "fast", null),
        volumes))).isEqualTo("other-class");
    assertThat(VolumeMatching.bestFor(claim("1Gi", "[\"ReadWriteMany\"]", null, null), volumes))
        .isEmpty();
    assertThat(VolumeMatching.bestFor(claim("3Gi", "[\"ReadWriteOnce\"]", null, null), volumes))
        .isEmpty();
  }

  @Test
  void aVolumeBoundToAnotherClaimIsNotTakenAndOnePreBoundToThisOneIs() {
    List<JsonObject> volumes = List.of(
        volume("taken", "1Gi", "[\"ReadWriteOnce\"]", "", "{}",
            "{\"namespace\":\"ns\",\"name\":\"other\",\"uid\":\"u-2\"}"),
        volume("reserved", "5Gi", "[\"ReadOnlyMany\"]", "", "{}",
            "{\"namespace\":\"ns\",\"name\":\"data\"}"));

    // pre-bound by name: chosen whatever else it offers, as Kubernetes' binder does
    assertThat(name(VolumeMatching.bestFor(claim("1Gi", "[\"ReadWriteOnce\"]", null, null),
        volumes))).isEqualTo("reserved");
  }

  private static String name(Optional<JsonObject> volume) {
    return volume.map(v -> v.getJsonObject("metadata").getString("name")).orElse("<none>");
  }

  private static JsonObject volume(String name, String size, String modes, String className,
      String labels, String claimRef) {
    return parse("""
        {"metadata":{"name":"%s","labels":%s},
         "spec":{"capacity":{"storage":"%s"},"accessModes":%s,%s
           "hostPath":{"path":"/data/%s"}%s}}""".formatted(name, labels, size, modes,
        className.isEmpty() ? "" : "\"storageClassName\":\"" + className + "\",", name,
        claimRef.isEmpty() ? "" : ",\"claimRef\":" + claimRef));
  }

  private static JsonObject claim(String size, String modes, String className, String selector) {
    return parse("""
        {"metadata":{"name":"data","namespace":"ns","uid":"u-1"},
         "spec":{"accessModes":%s,"resources":{"requests":{"storage":"%s"}}%s%s}}""".formatted(
        modes, size, className == null ? "" : ",\"storageClassName\":\"" + className + "\"",
        selector == null ? "" : ",\"selector\":" + selector));
  }

  private static JsonObject parse(String json) {
    return Json.createReader(new StringReader(json)).readObject();
  }
}
