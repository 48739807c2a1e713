package dev.capstan.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.store.entity.ObjectKey;
import org.junit.jupiter.api.Test;

class ConflictExceptionTest {

  @Test
  void aFailedPreconditionIsKubernetesInvalidObjectStorageError() {
    ConflictException failed = ConflictException.preconditionFailed(
        new ObjectKey("", "ConfigMap", "team-a", "cm"),
        "Precondition failed: UID in precondition: x, UID in object meta: y");

    assertThat(failed.getMessage()).isEqualTo("StorageError: invalid object, Code: 4, Key:"
        + " /registry/configmaps/team-a/cm, ResourceVersion: 0, AdditionalErrorMsg: Precondition"
        + " failed: UID in precondition: x, UID in object meta: y");
  }

  @Test
  void theKeyIsKubeApiserversEtcdKeyWithItsOldPrefixes() {
    assertThat(key("", "Service", "ns", "web")).contains("Key: /registry/services/specs/ns/web,");
    assertThat(key("", "Endpoints", "ns", "web"))
        .contains("Key: /registry/services/endpoints/ns/web,");
    assertThat(key("", "Node", "", "n1")).contains("Key: /registry/minions/n1,");
    assertThat(key("", "ReplicationController", "ns", "rc"))
        .contains("Key: /registry/controllers/ns/rc,");
    assertThat(key("apps", "Deployment", "ns", "d")).contains("Key: /registry/deployments/ns/d,");
    assertThat(key("", "Namespace", "", "team-a")).contains("Key: /registry/namespaces/team-a,");
    assertThat(key("rbac.authorization.k8s.io", "ClusterRole", "", "view"))
        .contains("Key: /registry/clusterroles/view,");
  }

  private static String key(String group, String kind, String namespace, String name) {
    return ConflictException.preconditionFailed(new ObjectKey(group, kind, namespace, name), "d")
        .getMessage();
  }
}
