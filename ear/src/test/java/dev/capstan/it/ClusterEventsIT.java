package dev.capstan.it;

import static dev.capstan.it.Subscriber.receiveEventFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static org.awaitility.Awaitility.await;

import dev.capstan.contract.ClusterEvent;
import dev.capstan.contract.Topics;
import dev.capstan.examples.ClusterEventsSubscriber;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
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

  @Test
  void standaloneSubscriberReceivesTheEventOfACreatedNamespace() throws Exception {
    String name = NamespaceApiIT.uniqueName();
    try (Subscriber subscriber = Subscriber.connect(SERVER)) {
      MessageConsumer consumer =
          subscriber.subscribeToClusterEvents(Topics.KIND + " = 'Namespace'");

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
          Topics.KIND + " = 'Namespace'");
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
  void theReadmeSubscriberSelectsChangesAndEventsByKindNamespaceAndReason() throws Exception {
    String namespace = NamespaceApiIT.uniqueName();
    String other = NamespaceApiIT.uniqueName();
    for (String name : List.of(namespace, other)) {
      assertThat(Http.postJson(SERVER.api("/api/v1/namespaces"), Http.namespace(name))
          .statusCode()).isEqualTo(201);
    }
    Queue<String> pods = new ConcurrentLinkedQueue<>();
    Queue<String> warnings = new ConcurrentLinkedQueue<>();
    try (AutoCloseable podSubscription = ClusterEventsSubscriber.subscribe(SERVER.messagingUrl(),
            TestServer.subscriberUser(), TestServer.subscriberPassword(),
            "kind = 'Pod' AND namespace = '" + namespace + "'", pods::add);
        AutoCloseable eventSubscription = ClusterEventsSubscriber.subscribe(
            SERVER.messagingUrl(), TestServer.subscriberUser(), TestServer.subscriberPassword(),
            "kind = 'Event' AND namespace = '" + namespace + "' AND eventType = 'Warning'"
                + " AND revision > 0", warnings::add)) {
      String pod = """
          {"apiVersion":"v1","kind":"Pod","metadata":{"name":"nowhere"},
           "spec":{"nodeSelector":{"capstan.dev/no-such-node":"x"},
            "containers":[{"name":"main","image":"capstan/busybox:1"}]}}""";
      assertThat(Http.postJson(SERVER.api("/api/v1/namespaces/" + other + "/pods"), pod)
          .statusCode()).isEqualTo(201);
      assertThat(Http.postJson(SERVER.api("/api/v1/namespaces/" + namespace + "/configmaps"),
          "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}")
          .statusCode()).isEqualTo(201);
      HttpResponse<String> created =
          Http.postJson(SERVER.api("/api/v1/namespaces/" + namespace + "/pods"), pod);
      assertThat(created.statusCode()).isEqualTo(201);
      String revision = Http.json(created).getJsonObject("metadata").getString("resourceVersion");

      await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(warnings)
          .anyMatch(line -> line.matches("ADDED Event " + namespace
              + "/nowhere\\.[0-9a-f]+ revision \\d+: Warning FailedScheduling Pod/nowhere")));
      assertThat(pods).first().isEqualTo("ADDED Pod " + namespace + "/nowhere revision "
          + revision);
      assertThat(pods).as("only this namespace's pods").allMatch(line -> line.contains(
          " Pod " + namespace + "/nowhere "));
      assertThat(warnings).allMatch(line -> line.contains(" Event " + namespace + "/"));
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
