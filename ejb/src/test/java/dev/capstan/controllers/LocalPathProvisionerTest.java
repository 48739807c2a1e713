package dev.capstan.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LocalPathProvisionerTest {

  private static final JsonObject CLAIM = parse("""
      {"metadata":{"name":"data","namespace":"shop","uid":"0f1e"},
       "spec":{"accessModes":["ReadWriteOnce"],"storageClassName":"local-path",
        "resources":{"requests":{"storage":"2Gi"}}}}""");

  @Test
  void theVolumeIsADirectoryOnTheNodePreBoundToTheClaim() {
    JsonObject storageClass = parse("""
        {"metadata":{"name":"local-path"},"provisioner":"capstan.dev/local-path",
         "reclaimPolicy":"Delete","volumeBindingMode":"WaitForFirstConsumer"}""");

    JsonObject volume = LocalPathProvisioner.volume(CLAIM, storageClass, "pvc-0f1e", "node-1",
        "/agent/storage/pvc-0f1e_shop_data");

    assertThat(volume.getJsonObject("metadata").toString()).isEqualTo("{\"name\":\"pvc-0f1e\","
        + "\"annotations\":{\"pv.kubernetes.io/provisioned-by\":\"capstan.dev/local-path\"},"
        + "\"finalizers\":[\"capstan.dev/local-path-cleanup\"]}");
    JsonObject spec = volume.getJsonObject("spec");
    assertThat(spec.getJsonObject("capacity").getString("storage")).isEqualTo("2Gi");
    assertThat(spec.getString("persistentVolumeReclaimPolicy")).isEqualTo("Delete");
    assertThat(spec.getString("storageClassName")).isEqualTo("local-path");
    assertThat(spec.getJsonObject("hostPath").toString()).isEqualTo(
        "{\"path\":\"/agent/storage/pvc-0f1e_shop_data\",\"type\":\"DirectoryOrCreate\"}");
    assertThat(spec.getJsonObject("nodeAffinity").toString()).contains(
        "{\"key\":\"kubernetes.io/hostname\",\"operator\":\"In\",\"values\":[\"node-1\"]}");
    assertThat(spec.getJsonObject("claimRef").toString()).isEqualTo("{\"kind\":"
        + "\"PersistentVolumeClaim\",\"namespace\":\"shop\",\"name\":\"data\",\"uid\":\"0f1e\","
        + "\"apiVersion\":\"v1\"}");
  }

  @Test
  void aRetainedVolumeHasNoCleanUpFinalizer() {
    JsonObject retained = parse("""
        {"metadata":{"name":"keep"},"provisioner":"capstan.dev/local-path",
         "reclaimPolicy":"Retain","volumeBindingMode":"WaitForFirstConsumer"}""");

    JsonObject volume = LocalPathProvisioner.volume(CLAIM, retained, "pvc-0f1e", "node-1", "/x");

    assertThat(volume.getJsonObject("metadata").containsKey("finalizers")).isFalse();
    assertThat(volume.getJsonObject("spec").getString("persistentVolumeReclaimPolicy"))
        .isEqualTo("Retain");
  }

  @Test
  void theHelperPodRemovesTheDirectoryOnItsNodeThroughItsParent() {
    JsonObject pod = LocalPathProvisioner.helperPod("local-path-cleanup-pvc-0f1e", "pvc-0f1e",
        "node-1", Path.of("/agent/storage/pvc-0f1e_shop_data"), "capstan/busybox:1");

    JsonObject spec = pod.getJsonObject("spec");
    assertThat(spec.getString("nodeName")).isEqualTo("node-1");
    assertThat(spec.getString("restartPolicy")).isEqualTo("Never");
    assertThat(spec.getJsonArray("containers").getJsonObject(0).getJsonArray("command")
        .toString()).isEqualTo("[\"rm\",\"-rf\",\"/parent/pvc-0f1e_shop_data\"]");
    assertThat(spec.getJsonArray("volumes").getJsonObject(0).getJsonObject("hostPath")
        .getString("path")).isEqualTo("/agent/storage");
    assertThat(pod.getJsonObject("metadata").getJsonObject("labels")
        .getString("capstan.dev/local-path-volume")).isEqualTo("pvc-0f1e");
  }

  private static JsonObject parse(String json) {
    return Json.createReader(new StringReader(json)).readObject();
  }
}
