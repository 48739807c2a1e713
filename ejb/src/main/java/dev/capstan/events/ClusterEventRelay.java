package dev.capstan.events;

import dev.capstan.contract.ClusterEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hands each committed change to the publisher: only after the writing transaction succeeded,
 * so subscribers never hear of a change that was rolled back.
 *
 * <p>A publish that fails is logged and dropped: subscribers reconcile from the API, and the
 * change log stays the record of what happened.
 */
@ApplicationScoped
public class ClusterEventRelay {

  private static final Logger LOG = Logger.getLogger(ClusterEventRelay.class.getName());

  @Inject
  private ClusterEventPublisher publisher;

  void relay(@Observes(during = TransactionPhase.AFTER_SUCCESS) ClusterEvent event) {
    try {
      publisher.publish(event);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Could not publish cluster event " + event, e);
    }
  }
}
