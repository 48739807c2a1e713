package dev.capstan.events;

import dev.capstan.contract.ClusterEvent;
import dev.capstan.contract.Topics;
import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.jms.JMSContext;
import jakarta.jms.MapMessage;
import jakarta.jms.Topic;

/**
 * Publishes cluster events on {@link Topics#CLUSTER_EVENTS}, as {@code MapMessage}s whose fields
 * are {@link ClusterEvent#toFields()} and with the kind as a property for JMS selectors.
 *
 * <p>Runs in a transaction of its own: it is called after the writer's transaction completed.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class ClusterEventPublisher {

  @Inject
  private JMSContext jms;

  @Resource(lookup = "java:/jms/topic/" + Topics.CLUSTER_EVENTS)
  private Topic clusterEvents;

  public void publish(ClusterEvent event) {
    MapMessage message = jms.createMapMessage();
    try {
      for (var field : event.toFields().entrySet()) {
        message.setString(field.getKey(), field.getValue());
      }
      message.setStringProperty(Topics.PROPERTY_KIND, event.kind());
    } catch (jakarta.jms.JMSException e) {
      throw new IllegalStateException("Could not build the message for " + event, e);
    }
    jms.createProducer().send(clusterEvents, message);
  }
}
