package dev.capstan.store;

import dev.capstan.contract.ClusterEvent;
import dev.capstan.store.entity.ObjectChange;
import dev.capstan.store.entity.ObjectKey;
import dev.capstan.store.entity.StoredObject;
import jakarta.ejb.Stateless;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The one way into cluster state, for the REST API, controllers and the scheduler alike.
 *
 * <p>Every write runs in one transaction that advances the cluster revision, writes the object
 * row and appends the change-log entry; after the transaction commits, a {@link ClusterEvent}
 * is fired for the event relay. Taking the revision first also makes the existence check below
 * race-free: writers queue on the revision row, so no two creates of one name interleave.
 */
@Stateless
public class ObjectStore {

  @PersistenceContext(unitName = "capstan")
  private EntityManager em;

  @Inject
  private Event<ClusterEvent> clusterEvents;

  private final Clock clock = Clock.systemUTC();

  /** The object with this identity, if it exists. */
  public Optional<StoredObject> get(ObjectKey key) {
    return em.createNamedQuery(StoredObject.FIND_BY_IDENTITY, StoredObject.class)
        .setParameter("key", key)
        .getResultStream()
        .findFirst();
  }

  /**
   * Creates an object from a client's body: assigns uid, creationTimestamp, generation 1 and
   * the new revision as resourceVersion.
   *
   * @param apiVersion the apiVersion the object is stored and served as
   * @return the stored object, body as the API returns it
   * @throws AlreadyExistsException if the name is taken (nothing is written)
   */
  public StoredObject create(ObjectKey key, String apiVersion, JsonObject body)
      throws AlreadyExistsException {
    long revision = nextRevision();
    if (get(key).isPresent()) {
      throw new AlreadyExistsException(key);
    }
    Instant now = clock.instant();
    UUID uid = UUID.randomUUID();
    JsonObject stamped = new ObjectMetadata(key.namespace(), uid, revision, 1, now)
        .stamp(body, apiVersion, key.kind());

    StoredObject object = new StoredObject(key, uid, now);
    object.write(revision, 1, ObjectMetadata.labels(stamped).toString(), stamped.toString());
    em.persist(object);
    em.persist(new ObjectChange(revision, ObjectChange.Type.ADDED, object, now));
    clusterEvents.fire(new ClusterEvent(ObjectChange.Type.ADDED.name(), apiVersion, key.kind(),
        key.namespace(), key.name(), uid.toString(), revision));
    return object;
  }

  /**
   * Advances the cluster revision and returns the new value. The row stays locked until this
   * transaction ends, which makes revisions commit in order.
   */
  private long nextRevision() {
    Object revision = em.createNativeQuery(
            "UPDATE cluster_revision SET revision = revision + 1 WHERE id = 1 RETURNING revision")
        .getSingleResult();
    return ((Number) revision).longValue();
  }
}
