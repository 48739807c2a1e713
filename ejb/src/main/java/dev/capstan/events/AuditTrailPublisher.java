package dev.capstan.events;

import dev.capstan.contract.Topics;
import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSProducer;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.util.List;
import java.util.Map;

/**
 * Publishes audit events on {@link Topics#AUDIT}: each a {@code TextMessage} holding the event's
 * JSON, with the properties subscribers select on. Non-persistent and outside any transaction, as
 * cluster events: the audit log file is the durable record; the topic is for those who follow the
 * trail live.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class AuditTrailPublisher {

  /** One audit event: its JSON text, its string properties and its response code (0 if none). */
  public record AuditMessage(String json, Map<String, String> properties, int code) {}

  @Inject
  private JMSContext jms;

  @Resource(lookup = "java:/jms/topic/" + Topics.AUDIT)
  private Topic audit;

  /** Sends the events, in order. */
  public void publish(List<AuditMessage> events) {
    JMSProducer producer = jms.createProducer().setDeliveryMode(DeliveryMode.NON_PERSISTENT);
    for (AuditMessage event : events) {
      producer.send(audit, message(event));
    }
  }

  private TextMessage message(AuditMessage event) {
    TextMessage message = jms.createTextMessage(event.json());
    try {
      for (var property : event.properties().entrySet()) {
        message.setStringProperty(property.getKey(), property.getValue());
      }
      if (event.code() != 0) {
        message.setIntProperty(Topics.CODE, event.code());
      }
      return message;
    } catch (JMSException e) {
      throw new IllegalStateException("Could not build the audit message", e);
    }
  }
}
