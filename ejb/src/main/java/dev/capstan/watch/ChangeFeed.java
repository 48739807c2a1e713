package dev.capstan.watch;

import dev.capstan.contract.ClusterEvent;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Streams the change log to this server's watchers.
 *
 * <pre>
 *   writers (any server) ──commit──▶ api_change (PostgreSQL, revision order)
 *                                        │ read "after last", woken by this server's commits,
 *                                        ▼ and every 250 ms for the other servers'
 *                                   ChangeFeed ──offer──▶ Subscription ──wake-up──▶ its watcher
 * </pre>
 *
 * <p>The feed keeps nothing but the last revision it dispatched; the log in PostgreSQL is the
 * truth, so any server can serve any watch. One thread per server, which never waits for a
 * watcher: it appends each change to the bounded buffers of the subscriptions it matches, then
 * wakes each subscription it appended to once per batch; the watcher writes on its own schedule.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class ChangeFeed {

  private static final Logger LOG = Logger.getLogger(ChangeFeed.class.getName());
  private static final long POLL_MILLIS = 250;
  private static final int BATCH = 1_000;

  @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
  private ManagedThreadFactory threads;

  @Inject
  private ChangeLog changeLog;

  private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
  private final Object wakeUp = new Object();
  private volatile boolean running = true;
  private volatile long dispatched = -1;
  private Thread thread;

  @PostConstruct
  void start() {
    thread = threads.newThread(this::run);
    thread.setName("capstan-change-feed");
    thread.start();
  }

  @PreDestroy
  void stop() {
    running = false;
    thread.interrupt();
  }

  /**
   * Registers a watcher for live changes after {@link #dispatchedRevision()} at the time of the
   * call; the caller then replays or lists from the {@link ChangeLog} (which covers everything up
   * to now) and skips the revisions it has already sent.
   *
   * <p>The feed's starting revision is fixed before the first subscription exists: if it were
   * fixed later, the changes between a watcher's list and that start would reach nobody.
   */
  public Subscription subscribe(WatchFilter filter) {
    return subscribe(filter, () -> { });
  }

  /**
   * As {@link #subscribe(WatchFilter)}, and {@code onChange} is called (on the feed's thread; it
   * must return at once) after each batch that appended to the subscription.
   */
  public Subscription subscribe(WatchFilter filter, Runnable onChange) {
    startingPoint();
    Subscription subscription = new Subscription(filter, onChange, subscriptions::remove);
    subscriptions.add(subscription);
    return subscription;
  }

  /** How many subscriptions are open on this server. */
  public int subscriptionCount() {
    return subscriptions.size();
  }

  /** The last revision handed to subscribers (-1 before the feed has started). */
  public long dispatchedRevision() {
    return dispatched;
  }

  /** A write on this server committed: look at the log now rather than at the next poll. */
  public void committed(@Observes(during = TransactionPhase.AFTER_SUCCESS) ClusterEvent event) {
    synchronized (wakeUp) {
      wakeUp.notifyAll();
    }
  }

  /** Fixes where the feed starts (the newest revision), once; after that it only advances. */
  private synchronized void startingPoint() {
    if (dispatched < 0) {
      dispatched = changeLog.newestRevision();
    }
  }

  private void run() {
    while (running) {
      try {
        startingPoint();
        List<Change> changes = changeLog.after(dispatched, BATCH);
        for (Change change : changes) {
          subscriptions.forEach(subscription -> subscription.offer(change));
          dispatched = change.revision();
        }
        subscriptions.forEach(Subscription::signal);
        if (changes.size() < BATCH) {
          synchronized (wakeUp) {
            wakeUp.wait(POLL_MILLIS);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        // The database may be down or the schema not migrated yet: try again shortly.
        LOG.log(Level.FINE, "Change feed could not read the change log", e);
        sleepQuietly(1_000);
      }
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
