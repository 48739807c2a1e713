package dev.capstan.agent.work;

import dev.capstan.contract.ClusterEvent;
import dev.capstan.contract.Topics;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.MapMessage;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.activemq.artemis.jms.client.ActiveMQJMSConnectionFactory;

/**
 * Hears of work for this node on its own topic of the control plane's broker
 * ({@link Topics#nodeWork(String)}, which only this node's broker identity may consume) and hands
 * each pod named to the work queue. Messages are
 * only a wake-up: a lost one delays the pod until the next resync, a duplicate syncs it twice,
 * which changes nothing. The connection reconnects by itself; when the broker cannot be reached
 * at start, connecting is retried in the background.
 */
public final class NodeWorkSubscriber implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(NodeWorkSubscriber.class.getName());

  private final String url;
  private final String user;
  private final String password;
  private final String nodeName;
  private final BiConsumer<String, String> onPod;
  private final Thread connector;
  private volatile JMSContext context;
  private volatile boolean closed;

  public NodeWorkSubscriber(String url, String user, String password, String nodeName,
      BiConsumer<String, String> onPod) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.nodeName = nodeName;
    this.onPod = onPod;
    this.connector = new Thread(this::connectUntilDone, "capstan-node-work");
    connector.setDaemon(true);
  }

  public void start() {
    connector.start();
  }

  private void connectUntilDone() {
    while (!closed) {
      try {
        ActiveMQJMSConnectionFactory factory = new ActiveMQJMSConnectionFactory(url, user, password);
        JMSContext created = factory.createContext(user, password, JMSContext.AUTO_ACKNOWLEDGE);
        JMSConsumer consumer = created.createConsumer(created.createTopic(
            Topics.nodeWork(nodeName)));
        consumer.setMessageListener(message -> {
          try {
            ClusterEvent event = ClusterEvent.fromFields(field -> {
              try {
                return ((MapMessage) message).getString(field);
              } catch (JMSException e) {
                throw new IllegalStateException(e);
              }
            });
            if (event.kind().equals("Pod")) {
              onPod.accept(event.namespace(), event.name());
            }
          } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Ignoring a node-work message that cannot be read", e);
          }
        });
        context = created;
        LOG.info(() -> "Listening for work on " + Topics.nodeWork(nodeName) + " at "
            + BrokerTls.printable(url));
        return;
      } catch (JMSRuntimeException e) {
        LOG.warning(() -> "Cannot reach the control plane's broker at "
            + BrokerTls.printable(url) + " ("
            + e.getMessage() + "); retrying in 5 s, resyncs go on meanwhile");
        try {
          Thread.sleep(5_000);
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    connector.interrupt();
    JMSContext current = context;
    if (current != null) {
      current.close();
    }
  }
}
