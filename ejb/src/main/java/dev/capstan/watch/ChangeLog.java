package dev.capstan.watch;

import dev.capstan.store.entity.ObjectChange;
import dev.capstan.store.entity.ObjectKey;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;

/**
 * Reads the change log ({@code api_change}) in revision order: what the watch feed streams and
 * what a watch from an older resourceVersion replays. Revisions become visible in commit order
 * (see ObjectStore), so reading "after N" never skips a change that commits later below it.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.SUPPORTS)
public class ChangeLog {

  @PersistenceContext(unitName = "capstan")
  private EntityManager em;

  /** Up to {@code limit} changes of any kind after a revision. */
  public List<Change> after(long revision, int limit) {
    return em.createNamedQuery(ObjectChange.AFTER, ObjectChange.class)
        .setParameter("after", revision)
        .setMaxResults(limit)
        .getResultStream()
        .map(Change::of)
        .toList();
  }

  /** Up to {@code limit} changes of one kind after a revision. */
  public List<Change> after(long revision, String group, String kind, int limit) {
    return em.createNamedQuery(ObjectChange.AFTER_FOR_KIND, ObjectChange.class)
        .setParameter("after", revision)
        .setParameter("group", group)
        .setParameter("kind", kind)
        .setMaxResults(limit)
        .getResultStream()
        .map(Change::of)
        .toList();
  }

  /** Every change of one object (all its incarnations) still in the log, oldest first. */
  public List<ObjectChange> history(ObjectKey key) {
    return em.createNamedQuery(ObjectChange.HISTORY, ObjectChange.class)
        .setParameter("key", key)
        .getResultList();
  }

  /** The revision up to which the log has been compacted: changes at or below it are gone. */
  public long compactedRevision() {
    Object compacted = em.createNativeQuery("SELECT compacted FROM cluster_revision WHERE id = 1")
        .getSingleResult();
    return ((Number) compacted).longValue();
  }

  /** The newest revision in the log, or 0 when it is empty. */
  public long newestRevision() {
    Object newest = em.createNativeQuery("SELECT revision FROM cluster_revision WHERE id = 1")
        .getSingleResult();
    return ((Number) newest).longValue();
  }
}
