package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A Kubernetes client library (fabric8) drives Capstan unmodified: CRUD, selectors, watch. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ClientLibraryIT {

  private static final TestServer SERVER = TestServer.SUITE;

  private static KubernetesClient client() {
    Config config = new ConfigBuilder(Config.empty())
        .withMasterUrl(SERVER.secureApi().toString())
        .withTrustCerts(true)
        .withOauthToken(Http.token())
        .withNamespace("default")
        .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  @Test
  void createReadUpdateListAndDeleteAConfigMap() {
    try (KubernetesClient client = client()) {
      String namespace = NamespaceApiIT.uniqueName();
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
          .endMetadata().build()).create();

      ConfigMap created = client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
          .withNewMetadata().withName("settings").addToLabels("app", "web").endMetadata()
          .addToData("mode", "blue").build()).create();
      assertThat(created.getMetadata().getUid()).isNotBlank();

      ConfigMap edited = client.configMaps().inNamespace(namespace).withName("settings")
          .edit(cm -> new ConfigMapBuilder(cm).addToData("mode", "green").build());
      assertThat(edited.getData()).containsEntry("mode", "green");
      assertThat(Long.parseLong(edited.getMetadata().getResourceVersion()))
          .isGreaterThan(Long.parseLong(created.getMetadata().getResourceVersion()));

      assertThat(client.configMaps().inNamespace(namespace).withLabel("app", "web").list().getItems())
          .extracting(cm -> cm.getMetadata().getName()).containsExactly("settings");
      assertThat(client.configMaps().inNamespace(namespace).withLabel("app", "db").list().getItems())
          .isEmpty();

      assertThat(client.configMaps().inNamespace(namespace).withName("settings").delete()).hasSize(1);
      assertThat(client.configMaps().inNamespace(namespace).withName("settings").get()).isNull();
    }
  }

  @Test
  void aBadNameComesBackAsA422NamingTheField() {
    try (KubernetesClient client = client()) {
      assertThatThrownBy(() -> client.configMaps().inNamespace("default").resource(
          new ConfigMapBuilder().withNewMetadata().withName("Bad_Name").endMetadata().build()).create())
          .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
            assertThat(e.getCode()).isEqualTo(422);
            assertThat(e.getStatus().getDetails().getCauses().get(0).getField()).isEqualTo("metadata.name");
          });
    }
  }

  @Test
  void watchDeliversChangesToTheClient() throws Exception {
    try (KubernetesClient client = client()) {
      String namespace = NamespaceApiIT.uniqueName();
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
          .endMetadata().build()).create();
      BlockingQueue<String> events = new LinkedBlockingQueue<>();
      try (Watch watch = client.configMaps().inNamespace(namespace).watch(new Watcher<>() {
        @Override
        public void eventReceived(Action action, ConfigMap resource) {
          // the namespace's own kube-root-ca.crt (the root CA publisher's) is not this test's
          if (!resource.getMetadata().getName().equals("kube-root-ca.crt")) {
            events.add(action + " " + resource.getMetadata().getName());
          }
        }

        @Override
        public void onClose(WatcherException cause) {
          events.add("CLOSED " + cause);
        }
      })) {
        client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata()
            .withName("watched").endMetadata().withData(Map.of("k", "v")).build()).create();
        client.configMaps().inNamespace(namespace).withName("watched").delete();

        assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("ADDED watched");
        assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("DELETED watched");
      }
    }
  }
}
