package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.contract.ClusterEvent;
import dev.capstan.contract.Topics;
import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import java.net.http.HttpResponse;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
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
    try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(SERVER.messagingUrl());
        Connection connection = factory.createConnection(
            TestServer.subscriberUser(), TestServer.subscriberPassword())) {
      Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
      Topic topic = session.createTopic(Topics.CLUSTER_EVENTS);
      MessageConsumer consumer = session.createConsumer(topic,
          Topics.PROPERTY_KIND + " = 'Namespace'");
      connection.start();

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
    try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(SERVER.messagingUrl());
        Connection connection = factory.createConnection(
            TestServer.subscriberUser(), TestServer.subscriberPassword())) {
      Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
      MessageConsumer consumer = session.createConsumer(session.createTopic(Topics.CLUSTER_EVENTS));
      connection.start();
      String name = NamespaceApiIT.uniqueName();
      assertThat(Http.postJson(SERVER.api("/api/v1/namespaces"), Http.namespace(name))
          .statusCode()).isEqualTo(201);
      receiveEventFor(consumer, name);

      HttpResponse<String> duplicate = Http.postJson(SERVER.api("/api/v1/namespaces"),
          Http.namespace(name));
      assertThat(duplicate.statusCode()).isEqualTo(409);

      // Anything published after the conflict would arrive well within this wait.
      Message late = consumer.receive(2_000);
      assertThat(late).isNull();
    }
  }

  @Test
  void wrongPasswordIsRefused() {
    assertThatThrownBy(() -> {
      try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(SERVER.messagingUrl());
          Connection connection = factory.createConnection(TestServer.subscriberUser(), "wrong")) {
        connection.start();
      }
    }).isInstanceOf(JMSSecurityException.class);
  }

  @Test
  void subscriberMayNotPublish() throws Exception {
    try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(SERVER.messagingUrl());
        Connection connection = factory.createConnection(
            TestServer.subscriberUser(), TestServer.subscriberPassword())) {
      Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
      Topic topic = session.createTopic(Topics.CLUSTER_EVENTS);
      assertThatThrownBy(() -> session.createProducer(topic).send(session.createTextMessage("forged")))
          .isInstanceOf(JMSSecurityException.class);
    }
  }

  private static ClusterEvent receiveEventFor(MessageConsumer consumer, String name)
      throws Exception {
    long deadline = System.currentTimeMillis() + 15_000;
    while (System.currentTimeMillis() < deadline) {
      Message message = consumer.receive(1_000);
      if (message instanceof MapMessage map && name.equals(map.getString("name"))) {
        return ClusterEvent.fromFields(field -> {
          try {
            return map.getString(field);
          } catch (jakarta.jms.JMSException e) {
            throw new IllegalStateException(e);
          }
        });
      }
    }
    throw new AssertionError("no cluster event for " + name + " within 15 s");
  }
}
