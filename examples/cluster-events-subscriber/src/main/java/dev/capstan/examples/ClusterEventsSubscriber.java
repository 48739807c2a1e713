package dev.capstan.examples;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;
import java.util.function.Consumer;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Prints the cluster's changes as they commit, one line each, chosen by a JMS selector:
 *
 * <pre>
 * java -jar cluster-events-subscriber.jar "tcp://127.0.0.1:61616?enable1xPrefixes=true&sslEnabled=true\
 *     &verifyHost=true&trustStorePath=$PWD/.capstan/tls/ca-trust.p12&trustStorePassword=capstan-ca" \
 *     capstan-events "$(cat .capstan/secrets/events-password)" "kind = 'Pod' AND namespace = 'prod'"
 * ADDED Pod prod/web-7d4b9 revision 1841
 * MODIFIED Pod prod/web-7d4b9 revision 1843 node worker-1
 * </pre>
 *
 * <p>A message names the object and the revision that changed it; read the object from the API
 * when you need more. Properties to select on: {@code type}, {@code apiVersion}, {@code kind},
 * {@code namespace}, {@code name}, {@code node}, {@code revision} (a long), and for Event objects
 * {@code eventType}, {@code reason}, {@code regardingKind}, {@code regardingName}.
 */
public final class ClusterEventsSubscriber {

  private ClusterEventsSubscriber() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: ClusterEventsSubscriber <broker url> <user> <password> [selector]");
      System.exit(2);
    }
    try (AutoCloseable subscription = subscribe(args[0], args[1], args[2],
        args.length > 3 ? args[3] : null, System.out::println)) {
      Thread.currentThread().join(); // until the program is stopped
    }
  }

  /** Hands a line for every change the selector picks to {@code lines} until closed. */
  public static AutoCloseable subscribe(String url, String user, String password, String selector,
      Consumer<String> lines) throws JMSException {
    ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url);
    Connection connection = factory.createConnection(user, password);
    Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    session.createConsumer(session.createTopic("capstan.cluster-events"), selector)
        .setMessageListener(message -> lines.accept(describe(message)));
    connection.start();
    return () -> {
      connection.close();
      factory.close();
    };
  }

  static String describe(Message message) {
    try {
      String namespace = message.getStringProperty("namespace");
      String line = message.getStringProperty("type") + " " + message.getStringProperty("kind")
          + " " + (namespace.isEmpty() ? "" : namespace + "/") + message.getStringProperty("name")
          + " revision " + message.getLongProperty("revision");
      if (!message.getStringProperty("node").isEmpty()) {
        line += " node " + message.getStringProperty("node");
      }
      if (message.propertyExists("reason")) {
        line += ": " + message.getStringProperty("eventType") + " "
            + message.getStringProperty("reason") + " " + message.getStringProperty("regardingKind")
            + "/" + message.getStringProperty("regardingName");
      }
      return line;
    } catch (JMSException e) {
      return "unreadable message: " + e.getMessage();
    }
  }
}
