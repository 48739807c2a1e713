package dev.capstan.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.admission.Defaulting;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StorageRulesTest {

  private static final String PV = """
      {"metadata":{"name":"pv-1"},
       "spec":{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],
         "hostPath":{"path":"/tmp/pv-1"}}}""";
  private static final String PVC = """
      {"metadata":{"name":"data"},
       "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"500Mi"}}}}""";
  private static final String SC = """
      {"metadata":{"name":"fast"},"provisioner":"capstan.dev/local-path"}""";

  @Test
  void wellFormedObjectsAreValidAndDefaultedAsKubernetesDefaultsThem() {
    assertThat(validate(ResourceTypes.PERSISTENT_VOLUME, PV)).isEmpty();
    assertThat(validate(ResourceTypes.PERSISTENT_VOLUME_CLAIM, PVC)).isEmpty();
    assertThat(validate(ResourceTypes.STORAGE_CLASS, SC)).isEmpty();
    assertThat(defaulted(ResourceTypes.PERSISTENT_VOLUME, PV).getJsonObject("spec").toString())
        .contains("\"persistentVolumeReclaimPolicy\":\"Retain\"", "\"volumeMode\":\"Filesystem\"");
    assertThat(defaulted(ResourceTypes.STORAGE_CLASS, SC).toString())
        .contains("\"reclaimPolicy\":\"Delete\"", "\"volumeBindingMode\":\"Immediate\"");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "PV without access modes|\"accessModes\":[\"ReadWriteOnce\"],||spec.accessModes|Required value",
      "PV with a made-up access mode|\"ReadWriteOnce\"|\"ReadWriteAll\"|spec.accessModes|Unsupported value: \"ReadWriteAll\": supported values: \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\"",
      "PV without capacity|\"capacity\":{\"storage\":\"1Gi\"},||spec.capacity|Required value",
      "PV capacity of cpu|\"storage\":\"1Gi\"|\"cpu\":\"1\"|spec.capacity|Unsupported value: \"cpu\": supported values: \"storage\"",
      "PV without a volume source|\"hostPath\":{\"path\":\"/tmp/pv-1\"}|\"mountOptions\":[]|spec|Required value: must specify a volume type",
      "PV with two volume sources|\"hostPath\"|\"nfs\":{\"server\":\"x\",\"path\":\"/\"},\"hostPath\"|spec.nfs|Forbidden: may not specify more than 1 volume type",
      "local PV without node affinity|\"hostPath\":{\"path\":\"/tmp/pv-1\"}|\"local\":{\"path\":\"/mnt/disk\"}|spec.nodeAffinity|Required value: Local volume requires node affinity",
      "PV with an unknown reclaim policy|\"accessModes\"|\"persistentVolumeReclaimPolicy\":\"Shred\",\"accessModes\"|spec.persistentVolumeReclaimPolicy|Unsupported value: \"Shred\": supported values: \"Delete\", \"Recycle\", \"Retain\""})
  void persistentVolumeMistakesNameTheirField(String what, String from, String to, String field,
      String message) {
    assertThat(validate(ResourceTypes.PERSISTENT_VOLUME, PV.replace(from, to == null ? "" : to)))
        .as(what).anySatisfy(error -> {
          assertThat(error.field()).isEqualTo(field);
          assertThat(error.message()).startsWith(message);
        });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "claim without access modes|\"accessModes\":[\"ReadWriteOnce\"],||spec.accessModes|Required value: at least 1 access mode is required",
      "claim without storage|\"storage\":\"500Mi\"|\"cpu\":\"1\"|spec.resources[storage]|Required value",
      "claim of no storage|\"500Mi\"|\"0\"|spec.resources[storage]|Invalid value: \"0\": must be greater than zero",
      "claim of a bad class name|\"accessModes\"|\"storageClassName\":\"Fast_Disks\",\"accessModes\"|spec.storageClassName|Invalid value: \"Fast_Disks\"",
      "claim with ReadWriteOncePod and another mode|[\"ReadWriteOnce\"]|[\"ReadWriteOncePod\",\"ReadOnlyMany\"]|spec.accessModes|Forbidden: may not use ReadWriteOncePod with other access modes"})
  void claimMistakesNameTheirField(String what, String from, String to, String field,
      String message) {
    assertThat(validate(ResourceTypes.PERSISTENT_VOLUME_CLAIM, PVC.replace(from,
        to == null ? "" : to))).as(what).anySatisfy(error -> {
          assertThat(error.field()).isEqualTo(field);
          assertThat(error.message()).startsWith(message);
        });
  }

  @Test
  void storageClassMistakesNameTheirField() {
    assertThat(validate(ResourceTypes.STORAGE_CLASS, SC.replace(",\"provisioner\":\"capstan.dev/local-path\"", "")))
        .extracting(FieldError::toString).contains("provisioner: Required value");
    assertThat(validate(ResourceTypes.STORAGE_CLASS, SC.replace("}", ",\"volumeBindingMode\":\"Later\"}")))
        .extracting(FieldError::toString).contains("volumeBindingMode: Unsupported value: \"Later\":"
            + " supported values: \"Immediate\", \"WaitForFirstConsumer\"");
    assertThat(validate(ResourceTypes.STORAGE_CLASS, SC.replace("}", ",\"reclaimPolicy\":\"Recycle\"}")))
        .extracting(FieldError::toString).contains("reclaimPolicy: Unsupported value: \"Recycle\":"
            + " supported values: \"Delete\", \"Retain\"");
  }

  @Test
  void aClaimsSpecIsImmutableButForItsRequestAndTheVolumeItBindsTo() {
    JsonObject claim = defaulted(ResourceTypes.PERSISTENT_VOLUME_CLAIM, PVC);
    JsonObject bigger = defaulted(ResourceTypes.PERSISTENT_VOLUME_CLAIM,
        PVC.replace("500Mi", "1Gi"));
    JsonObject bound = defaulted(ResourceTypes.PERSISTENT_VOLUME_CLAIM,
        PVC.replace("\"accessModes\"", "\"volumeName\":\"pv-1\",\"accessModes\""));
    JsonObject otherModes = defaulted(ResourceTypes.PERSISTENT_VOLUME_CLAIM,
        PVC.replace("ReadWriteOnce", "ReadWriteMany"));

    assertThat(ObjectValidation.validateUpdate(ResourceTypes.PERSISTENT_VOLUME_CLAIM, claim,
        bigger)).isEmpty();
    assertThat(ObjectValidation.validateUpdate(ResourceTypes.PERSISTENT_VOLUME_CLAIM, claim,
        bound)).isEmpty();
    assertThat(ObjectValidation.validateUpdate(ResourceTypes.PERSISTENT_VOLUME_CLAIM, claim,
        otherModes)).extracting(FieldError::toString).containsExactly("spec: Forbidden: spec is"
            + " immutable after creation except resources.requests and"
            + " volumeAttributesClassName for bound claims");
    assertThat(ObjectValidation.validateUpdate(ResourceTypes.PERSISTENT_VOLUME_CLAIM, bound,
        claim)).as("a bound claim keeps its volume").isNotEmpty();
  }

  @Test
  void aStorageClassKeepsItsProvisionerParametersPolicyAndBindingMode() {
    JsonObject before = defaulted(ResourceTypes.STORAGE_CLASS, SC);
    JsonObject after = defaulted(ResourceTypes.STORAGE_CLASS, SC.replace("}",
        ",\"parameters\":{\"a\":\"b\"},\"reclaimPolicy\":\"Retain\","
            + "\"volumeBindingMode\":\"WaitForFirstConsumer\"}")
        .replace("capstan.dev/local-path", "example.com/nfs"));

    assertThat(ObjectValidation.validateUpdate(ResourceTypes.STORAGE_CLASS, before, after))
        .extracting(FieldError::toString).containsExactly(
            "parameters: Forbidden: updates to parameters are forbidden.",
            "provisioner: Forbidden: updates to provisioner are forbidden.",
            "reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.",
            "volumeBindingMode: Invalid value: \"WaitForFirstConsumer\": field is immutable");
  }

  @Test
  void aStatefulSetsContainersMayMountItsClaimTemplatesButATemplateNeedsStorage() {
    String set = """
        {"metadata":{"name":"web"},
         "spec":{"serviceName":"nginx","selector":{"matchLabels":{"app":"nginx"}},
          "template":{"metadata":{"labels":{"app":"nginx"}},
           "spec":{"containers":[{"name":"nginx","image":"nginx",
             "volumeMounts":[{"name":"www","mountPath":"/usr/share/nginx/html"}]}]}},
          "volumeClaimTemplates":[{"metadata":{"name":"www"},
           "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]}}""";

    assertThat(validate(ResourceTypes.STATEFUL_SET, set)).isEmpty();
    assertThat(validate(ResourceTypes.STATEFUL_SET, set.replace("\"storage\":\"1Gi\"", "")))
        .extracting(FieldError::toString)
        .containsExactly("spec.volumeClaimTemplates[0].spec.resources[storage]: Required value");
    assertThat(defaulted(ResourceTypes.STATEFUL_SET, set).getJsonObject("spec").toString())
        .contains("\"podManagementPolicy\":\"OrderedReady\"",
            "\"updateStrategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"partition\":0}}",
            "\"kind\":\"PersistentVolumeClaim\"", "\"status\":{\"phase\":\"Pending\"}",
            "\"persistentVolumeClaimRetentionPolicy\":{\"whenDeleted\":\"Retain\",\"whenScaled\":\"Retain\"}");
  }

  private static List<FieldError> validate(ResourceType type, String json) {
    return ObjectValidation.validateCreate(type, defaulted(type, json));
  }

  private static JsonObject defaulted(ResourceType type, String json) {
    return Defaulting.apply(type.group(), type.kind(),
        Json.createReader(new StringReader(json)).readObject());
  }
}
