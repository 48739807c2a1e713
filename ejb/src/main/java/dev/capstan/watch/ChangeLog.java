package dev.capstan.watch;

import dev.capstan.store.encryption.BodyTransformer;
import dev.capstan.store.encryption.EncryptionAtRest;
import dev.capstan.store.encryption.StorageTransformException;
import dev.capstan.store.entity.ObjectChange;
import dev.capstan.store.entity.ObjectKey;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Reads the change log ({@code api_change}) in revision order: what the watch feed streams and
 * what a watch from an older resourceVersion replays. Revisions become visible in commit order
 * (see ObjectStore), so reading "after N" never skips a change that commits later below it.
 * Bodies encrypted at rest are decrypted here, as the object store does for object rows.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.SUPPORTS)
public class ChangeLog {

  private static final Logger LOG = Logger.getLogger(ChangeLog.class.getName());

  @PersistenceContext(unitName = "capstan")
  private EntityManager em;

  @Inject
  private EncryptionAtRest encryption;

  /** Up to {@code limit} changes of any kind after a revision. */
  public List<Change> after(long revision, int limit) {
    BodyTransformer transformer = encryption.transformer();
    return em.createNamedQuery(ObjectChange.AFTER, ObjectChange.class)
        .setParameter("after", revision)
        .setMaxResults(limit)
        .getResultStream()
        .flatMap(change -> readable(change, transformer))
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
        .flatMap(change -> readable(change, encryption.transformer()))
        .toList();
  }

  /** Every change of one object (all its incarnations) still in the log, oldest first. */
  public List<ObjectChange> history(ObjectKey key) {
    if (!key.canExist()) {
      return List.of();
    }
    BodyTransformer transformer = encryption.transformer();
    return em.createNamedQuery(ObjectChange.HISTORY, ObjectChange.class)
        .setParameter("key", key)
        .getResultStream()
        .map(change -> open(change, transformer))
        .toList();
  }

  /**
   * A change as watchers get it; none when its body cannot be decrypted (a key dropped while
   * the change was still in the log): one object's lost event must not stop every watch.
   */
  private static Stream<Change> readable(ObjectChange change, BodyTransformer transformer) {
    try {
      return Stream.of(Change.of(open(change, transformer)));
    } catch (StorageTransformException e) {
      LOG.severe(() -> "Change " + change.revision() + " is left out of watches: "
          + e.getMessage());
      return Stream.empty();
    }
  }

  private static ObjectChange open(ObjectChange change, BodyTransformer transformer) {
    BodyTransformer.Opened opened = transformer.fromStorage(change.key(), change.storedBody());
    change.opened(opened.json(), opened.stale());
    return change;
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
