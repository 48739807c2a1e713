package dev.capstan.it;

import dev.capstan.contract.ClusterEvent;
import dev.capstan.contract.Topics;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * A standalone Artemis client of the control plane's broker, as a node agent or an outside
 * application uses it: TCP, a user and password, the JMS API.
 */
final class Subscriber implements AutoCloseable {

  private final ActiveMQConnectionFactory factory;
  private final Connection connection;
  private final Session session;

  private Subscriber(TestServer server, String user, String password) throws JMSException {
    factory = new ActiveMQConnectionFactory(server.messagingUrl());
    try {
      connection = factory.createConnection(user, password);
      session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    } catch (JMSException | RuntimeException e) {
      factory.close();
      throw e;
    }
  }

  /** Connects with the subscriber credentials the test servers were given. */
  static Subscriber connect(TestServer server) throws JMSException {
    return connect(server, TestServer.subscriberUser(), TestServer.subscriberPassword());
  }

  static Subscriber connect(TestServer server, String user, String password) throws JMSException {
    return new Subscriber(server, user, password);
  }

  Session session() {
    return session;
  }

  /** Starts delivery to the consumers made on {@link #session()}. */
  void start() throws JMSException {
    connection.start();
  }

  Topic clusterEvents() throws JMSException {
    return session.createTopic(Topics.CLUSTER_EVENTS);
  }

  /** Subscribes to the cluster events (optionally filtered by a JMS selector) and starts delivery. */
  MessageConsumer subscribeToClusterEvents(String selector) throws JMSException {
    MessageConsumer consumer = session.createConsumer(clusterEvents(), selector);
    connection.start();
    return consumer;
  }

  /** Waits up to 15 s for the cluster event of the named object, skipping others. */
  static ClusterEvent receiveEventFor(MessageConsumer consumer, String name) throws JMSException {
    long deadline = System.currentTimeMillis() + 15_000;
    while (System.currentTimeMillis() < deadline) {
      Message message = consumer.receive(1_000);
      if (message instanceof MapMessage map && name.equals(map.getString("name"))) {
        return ClusterEvent.fromFields(field -> {
          try {
            return map.getString(field);
          } catch (JMSException e) {
            throw new IllegalStateException(e);
          }
        });
      }
    }
    throw new AssertionError("no cluster event for " + name + " within 15 s");
  }

  @Override
  public void close() throws JMSException {
    try {
      connection.close();
    } finally {
      factory.close();
    }
  }
}
