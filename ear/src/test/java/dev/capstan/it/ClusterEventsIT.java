package dev.capstan.it;

import static dev.capstan.it.Subscriber.receiveEventFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.contract.ClusterEvent;
import dev.capstan.contract.Topics;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.net.http.HttpResponse;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A standalone JMS client outside WildFly (as a node agent or an outside application is) hears
 * about changes over the network, with credentials, and may only listen.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ClusterEventsIT {

  private static final TestServer SERVER = TestServer.SUITE;

  @Deployment(testable = false)
  static EnterpriseArchive capstan() {
    return TestServer.capstanEar();
  }

  @Test
  void standaloneSubscriberReceivesTheEventOfACreatedNamespace() throws Exception {
    String name = NamespaceApiIT.uniqueName();
    try (Subscriber subscriber = Subscriber.connect(SERVER)) {
      MessageConsumer consumer =
          subscriber.subscribeToClusterEvents(Topics.PROPERTY_KIND + " = 'Namespace'");

      HttpResponse<String> created = Http.postJson(SERVER.api("/api/v1/namespaces"),
          Http.namespace(name));
      assertThat(created.statusCode()).isEqualTo(201);
      String uid = Http.json(created).getJsonObject("metadata").getString("uid");

      ClusterEvent event = receiveEventFor(consumer, name);
      assertThat(event.type()).isEqualTo("ADDED");
      assertThat(event.apiVersion()).isEqualTo("v1");
      assertThat(event.kind()).isEqualTo("Namespace");
      assertThat(event.namespace()).isEmpty();
      assertThat(event.uid()).isEqualTo(uid);
      assertThat(Long.toString(event.resourceVersion())).isEqualTo(
          Http.json(created).getJsonObject("metadata").getString("resourceVersion"));
    }
  }

  @Test
  void rejectedWriteIsNeverAnnounced() throws Exception {
    try (Subscriber subscriber = Subscriber.connect(SERVER)) {
      // only namespaces: the scheduler and controllers write events of their own meanwhile
      MessageConsumer consumer = subscriber.subscribeToClusterEvents(
          Topics.PROPERTY_KIND + " = 'Namespace'");
      String name = NamespaceApiIT.uniqueName();
      assertThat(Http.postJson(SERVER.api("/api/v1/namespaces"), Http.namespace(name))
          .statusCode()).isEqualTo(201);
      receiveEventFor(consumer, name);

      HttpResponse<String> duplicate = Http.postJson(SERVER.api("/api/v1/namespaces"),
          Http.namespace(name));
      assertThat(duplicate.statusCode()).isEqualTo(409);

      // Anything published after the conflict would arrive well within this wait.
      assertThat(consumer.receive(2_000)).isNull();
    }
  }

  @Test
  void wrongPasswordIsRefused() {
    assertThatThrownBy(() -> {
      try (Subscriber subscriber =
          Subscriber.connect(SERVER, TestServer.subscriberUser(), "wrong")) {
        subscriber.subscribeToClusterEvents(null);
      }
    }).isInstanceOf(JMSSecurityException.class);
  }

  @Test
  void subscriberMayNotPublish() throws Exception {
    try (Subscriber subscriber = Subscriber.connect(SERVER)) {
      Session session = subscriber.session();
      assertThatThrownBy(() -> session.createProducer(subscriber.clusterEvents())
              .send(session.createTextMessage("forged")))
          .isInstanceOf(JMSSecurityException.class);
    }
  }
}
