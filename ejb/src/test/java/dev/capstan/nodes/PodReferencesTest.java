package dev.capstan.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class PodReferencesTest {

  @Test
  void everyPlaceAPodNamesASecretConfigMapClaimOrAccountCounts() {
    PodReferences references = PodReferences.of(Json.createReader(new StringReader("""
        {"metadata":{"name":"web"},
         "spec":{"serviceAccountName":"runner","imagePullSecrets":[{"name":"pull"}],
          "volumes":[{"name":"a","secret":{"secretName":"vol-secret"}},
                     {"name":"b","configMap":{"name":"vol-config"}},
                     {"name":"c","persistentVolumeClaim":{"claimName":"data"}},
                     {"name":"d","ephemeral":{"volumeClaimTemplate":{}}},
                     {"name":"e","projected":{"sources":[{"secret":{"name":"proj-secret"}},
                                                          {"configMap":{"name":"proj-config"}}]}},
                     {"name":"f","csi":{"driver":"x","nodePublishSecretRef":{"name":"csi-secret"}}}],
          "initContainers":[{"name":"i","envFrom":[{"secretRef":{"name":"init-secret"}}]}],
          "containers":[{"name":"m",
            "envFrom":[{"configMapRef":{"name":"env-config"}}],
            "env":[{"name":"A","valueFrom":{"secretKeyRef":{"name":"key-secret","key":"k"}}},
                   {"name":"B","valueFrom":{"configMapKeyRef":{"name":"key-config","key":"k"}}},
                   {"name":"C","value":"plain"}]}]}}""")).readObject());
    assertThat(references.secrets()).containsExactlyInAnyOrder("pull", "vol-secret",
        "proj-secret", "csi-secret", "init-secret", "key-secret");
    assertThat(references.configMaps()).containsExactlyInAnyOrder("vol-config", "proj-config",
        "env-config", "key-config");
    assertThat(references.claims()).containsExactlyInAnyOrder("data", "web-d");
    assertThat(references.serviceAccount()).isEqualTo("runner");
  }

  @Test
  void aPodWithoutReferencesReferencesNothing() {
    PodReferences references = PodReferences.of(Json.createObjectBuilder().build());
    assertThat(references.secrets()).isEmpty();
    assertThat(references.serviceAccount()).isEmpty();
  }
}
