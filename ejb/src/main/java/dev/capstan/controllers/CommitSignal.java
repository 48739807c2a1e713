package dev.capstan.controllers;

import dev.capstan.contract.ClusterEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

/**
 * Tells the controller manager that a write on this server committed. A plain CDI bean rather
 * than an observer on the manager itself: the schema migration's own first writes commit
 * before the manager (which depends on it) exists, and an observer on a singleton EJB not yet
 * constructed would wait for it, deadlocking the deployment. Runs in the committing thread, so
 * the listener only signals.
 */
@ApplicationScoped
public class CommitSignal {

  private volatile Runnable listener = () -> { };

  void committed(@Observes(during = TransactionPhase.AFTER_SUCCESS) ClusterEvent event) {
    listener.run();
  }

  /** The one listener (the controller manager, once it has started). */
  void listen(Runnable listener) {
    this.listener = listener;
  }
}
