package dev.capstan.watch;

import dev.capstan.store.schema.SchemaMigration;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Trims the change log on a schedule, keeping a window of history, as kube-apiserver compacts
 * etcd: every {@code capstan.compaction.interval} (default PT5M) it deletes changes older than
 * {@code capstan.history.window} (default PT15M) and records the highest deleted revision, below
 * which watches get 410 Gone. The newest change is always kept.
 *
 * <p>Every control-plane server runs it; the statement is idempotent and the compacted mark only
 * ever grows, so several servers doing it at once are harmless and need no leader.
 */
@Singleton
@Startup
@DependsOn("SchemaMigration")
public class Compaction {

  private static final Logger LOG = Logger.getLogger(Compaction.class.getName());

  @PersistenceContext(unitName = "capstan")
  private EntityManager em;

  @Resource
  private TimerService timers;

  @Inject
  private SchemaMigration schema;

  private Duration window;

  @PostConstruct
  void schedule() {
    window = Duration.parse(System.getProperty("capstan.history.window", "PT15M"));
    long interval = Duration.parse(System.getProperty("capstan.compaction.interval", "PT5M")).toMillis();
    timers.createIntervalTimer(interval, interval, new TimerConfig("compaction", false));
  }

  @Timeout
  void compactOnSchedule() {
    if (!schema.isMigrated()) {
      // its DELETE would wait on (or deadlock with) a migration creating the log's indexes
      return;
    }
    try {
      compact(window);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Compaction failed; it runs again at the next interval", e);
    }
  }

  /**
   * Deletes the changes recorded longer ago than the window (never the newest one).
   *
   * @return the revision the log is now compacted up to
   */
  public long compact(Duration keep) {
    Number deletedUpTo = (Number) em.createNativeQuery("""
            WITH doomed AS (
              DELETE FROM api_change
               WHERE recorded_at < now() - make_interval(secs => ?1)
                 AND revision < (SELECT max(revision) FROM api_change)
              RETURNING revision)
            SELECT coalesce(max(revision), 0) FROM doomed""")
        .setParameter(1, (double) keep.toSeconds())
        .getSingleResult();
    em.createNativeQuery("UPDATE cluster_revision SET compacted = greatest(compacted, ?1) WHERE id = 1")
        .setParameter(1, deletedUpTo.longValue())
        .executeUpdate();
    long compacted = ((Number) em.createNativeQuery(
        "SELECT compacted FROM cluster_revision WHERE id = 1").getSingleResult()).longValue();
    if (deletedUpTo.longValue() > 0) {
      LOG.info(() -> "Compacted the change log up to revision " + compacted);
    }
    return compacted;
  }
}
