package dev.capstan.store;

import dev.capstan.contract.ClusterEvent;
import dev.capstan.json.JsonFields;
import dev.capstan.selection.FieldSelector;
import dev.capstan.store.encryption.BodyTransformer;
import dev.capstan.store.encryption.EncryptionAtRest;
import dev.capstan.store.encryption.StorageTransformException;
import dev.capstan.store.entity.ObjectChange;
import dev.capstan.store.entity.ObjectKey;
import dev.capstan.store.entity.StoredObject;
import jakarta.annotation.Resource;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptors;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.Query;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * The one way into cluster state, for the REST API, controllers and the scheduler alike: get,
 * list, create, update, delete.
 *
 * <p>Every write runs in one transaction that advances the cluster revision, writes the object
 * row and appends the change-log entry; after the transaction commits, a {@link ClusterEvent}
 * is fired for the event relay. Each write takes the revision first: writers queue on that row,
 * so the read-check-write inside a write can never interleave with another writer's.
 *
 * <p>Bodies pass through {@link EncryptionAtRest} on their way to and from the {@code body}
 * columns (object row and change log alike), so kinds encrypted at rest (Secrets) are ciphertext
 * in PostgreSQL and JSON everywhere else.
 */
@Stateless
@Interceptors(StoreLatency.class)
public class ObjectStore {

  private static final Logger LOG = Logger.getLogger(ObjectStore.class.getName());

  @PersistenceContext(unitName = "capstan")
  private EntityManager em;

  @Inject
  private Event<ClusterEvent> clusterEvents;

  @Inject
  private CreateAdmission admission;

  @Inject
  private EncryptionAtRest encryption;

  @Resource
  private SessionContext context;

  private final Clock clock = Clock.systemUTC();

  /** The object with this identity, if it exists. */
  public Optional<StoredObject> get(ObjectKey key) {
    if (!key.canExist()) {
      return Optional.empty();
    }
    return em.createNamedQuery(StoredObject.FIND_BY_IDENTITY, StoredObject.class)
        .setParameter("key", key)
        .getResultStream()
        .findFirst()
        .map(this::open);
  }

  /**
   * The objects a query selects, one page at a time, with the revision the list is current as of.
   * The revision is read before the objects, so a watch from it can only repeat a change the list
   * already showed, never miss one.
   */
  public ObjectList list(ListQuery query) {
    long revision = currentRevision();
    BodyTransformer transformer = encryption.transformer();
    ObjectKey kind = new ObjectKey(query.apiGroup(), query.kind(), "", "");
    // PostgreSQL cannot look into an encrypted body: such field selectors are applied here
    FieldSelector bodyFields = transformer.mayBeEncrypted(kind) ? bodyFields(query.fields())
        : FieldSelector.parse("");
    ListQuery inSql = bodyFields.isEmpty() ? query : new ListQuery(query.apiGroup(),
        query.kind(), query.namespace(), query.labels(), columnFields(query.fields()), 0,
        query.after());
    ListSql listSql = ListSql.of(inSql);
    Query sql = em.createNativeQuery(listSql.sql, StoredObject.class);
    for (int i = 0; i < listSql.parameters.size(); i++) {
      sql.setParameter(i + 1, listSql.parameters.get(i));
    }
    @SuppressWarnings("unchecked")
    List<StoredObject> loaded = sql.getResultList();
    // SQL read one row more than a page when it paged: whether another page follows
    boolean pagedInSql = inSql.limit() > 0;
    List<StoredObject> page = pagedInSql && loaded.size() > inSql.limit()
        ? loaded.subList(0, inSql.limit()) : loaded;
    // SQL selects a body held as a JSON string whatever its fields say: such rows are matched here
    boolean everyRow = !bodyFields.isEmpty();
    FieldSelector inJava = bodyFields(query.fields());
    List<StoredObject> rows = new ArrayList<>(page.size());
    List<CorruptObjectsException.Corrupt> corrupt = new ArrayList<>();
    for (StoredObject row : page) {
      if (corrupt.size() == CorruptObjectsException.MAX_NAMED) {
        // Kubernetes stops reading at the first unreadable object past the hundredth
        if (unreadable(row, transformer).isPresent()) {
          throw new CorruptObjectsException(query.apiGroup(), query.kind(), corrupt, true);
        }
        continue;
      }
      Optional<CorruptObjectsException.Corrupt> failure = unreadable(row, transformer);
      if (failure.isPresent()) {
        corrupt.add(failure.get());
      } else if (corrupt.isEmpty() && (inJava.isEmpty()
          || !everyRow && !BodyTransformer.isEnvelope(row.storedBody())
          || inJava.matches(row.json()))) {
        rows.add(row);
      }
    }
    if (!corrupt.isEmpty()) {
      throw new CorruptObjectsException(query.apiGroup(), query.kind(), corrupt, false);
    }
    Optional<ListQuery.Position> next = Optional.empty();
    if (pagedInSql && loaded.size() > inSql.limit()) {
      // rows SQL could not match may have been left out: the page may hold fewer than the limit
      ObjectKey last = page.get(page.size() - 1).key();
      next = Optional.of(new ListQuery.Position(last.namespace(), last.name()));
    } else if (query.limit() > 0 && rows.size() > query.limit()) {
      rows = rows.subList(0, query.limit());
      ObjectKey last = rows.get(rows.size() - 1).key();
      next = Optional.of(new ListQuery.Position(last.namespace(), last.name()));
    }
    return new ObjectList(List.copyOf(rows), revision, next);
  }

  /**
   * The identities of every object of a kind, read from the rows' key columns: no body is opened,
   * so an object that cannot be read ({@link CorruptObjectsException}) does not hide the others.
   * For controllers' periodic resyncs, which need only the keys to queue: each key's sync then
   * reads its object, and only the unreadable one's fails.
   */
  public List<ObjectKey> keys(String apiGroup, String kind) {
    return em.createQuery("SELECT o.key FROM StoredObject o WHERE o.key.apiGroup = :group"
            + " AND o.key.kind = :kind ORDER BY o.key.namespace, o.key.name", ObjectKey.class)
        .setParameter("group", apiGroup)
        .setParameter("kind", kind)
        .getResultList();
  }

  /**
   * Creates an object from a client's body: admits it ({@link CreateAdmission}: limit ranges,
   * service accounts, quota), then assigns uid, creationTimestamp, generation 1 and the new
   * revision as resourceVersion.
   *
   * @param apiVersion the apiVersion the object is stored and served as
   * @return the stored object, body as the API returns it
   * @throws AlreadyExistsException if the name is taken (nothing is written)
   */
  public StoredObject create(ObjectKey key, String apiVersion, JsonObject body)
      throws AlreadyExistsException {
    return create(key, apiVersion, body, false);
  }

  /**
   * Creates an object, or with {@code dryRun} does everything a create does (the name check,
   * admission, stamping) and then rolls it all back: nothing is written, no one is told, and the
   * object is returned as it would have been stored. A dry run marks the whole transaction
   * for rollback, so it is only for callers outside one (the REST API).
   */
  public StoredObject create(ObjectKey key, String apiVersion, JsonObject body, boolean dryRun)
      throws AlreadyExistsException {
    long revision = nextRevision();
    if (get(key).isPresent()) {
      throw new AlreadyExistsException(key);
    }
    body = admission.admit(key, body);
    Instant now = clock.instant();
    UUID uid = UUID.randomUUID();
    JsonObject stamped = ObjectMetadata.created(key.namespace(), uid, revision, now)
        .stamp(body, apiVersion, key.kind());
    StoredObject object = new StoredObject(key, uid, now);
    write(object, revision, 1, stamped);
    em.persist(object);
    record(revision, ObjectChange.Type.ADDED, object, apiVersion, now);
    if (dryRun) {
      context.setRollbackOnly();
    }
    return object;
  }

  /**
   * Changes an object: {@code mutation} turns the current body into the desired one, under the
   * revision lock, so patches and read-modify-writes apply to the latest state. The desired
   * body's {@code metadata.resourceVersion}, when present, must be the current one (optimistic
   * concurrency); so must the preconditions. Server-owned metadata (uid, creationTimestamp,
   * deletionTimestamp) is kept whatever the body says; generation grows when anything outside
   * metadata and status changed. An object being deleted whose last finalizer the update removes
   * is deleted; one in its deletion grace period stays until deleted again. An update that
   * changes nothing writes nothing and keeps the resourceVersion.
   *
   * @return the object after the write
   */
  public StoredObject update(ObjectKey key, String apiVersion, Preconditions preconditions,
      UnaryOperator<JsonObject> mutation) throws NotFoundException, ConflictException {
    return update(key, apiVersion, preconditions, mutation, false);
  }

  /**
   * Changes an object as {@link #update(ObjectKey, String, Preconditions, UnaryOperator)} does,
   * but with {@code evenIfUnchanged} writes a new resourceVersion when nothing changed: for a
   * write that others must see as one, as a quota's charge, which a count begun before it must
   * not overwrite although the usage it writes happens to equal the recorded one.
   */
  public StoredObject update(ObjectKey key, String apiVersion, Preconditions preconditions,
      UnaryOperator<JsonObject> mutation, boolean evenIfUnchanged)
      throws NotFoundException, ConflictException {
    long revision = nextRevision();
    StoredObject object = latest(key).orElseThrow(() -> new NotFoundException(key));
    check(object, preconditions);
    JsonObject current = object.json();
    JsonObject desired = mutation.apply(current);
    Optional<Long> clientVersion = ObjectMetadata.resourceVersion(desired);
    if (clientVersion.isPresent() && clientVersion.get() != object.resourceVersion()) {
      throw conflict(key);
    }
    long generation = ObjectMetadata.specChanged(current, desired)
        ? object.generation() + 1 : object.generation();
    Instant now = clock.instant();
    JsonObject stamped = ObjectMetadata.kept(current, key.namespace(), revision, generation)
        .stamp(desired, apiVersion, key.kind());
    if (ObjectMetadata.withResourceVersion(stamped, object.resourceVersion()).equals(current)
        && !object.stale() && !evenIfUnchanged) {
      // a no-op, as in Kubernetes: nothing is written, the resourceVersion stays, no one is told
      return object;
    }
    if (object.stale()) {
      // read with an older key: this write (even an unchanged replace) re-encrypts the object,
      // and its history goes with it, so that the old key can be dropped
      restoreHistory(key);
    }
    write(object, revision, generation, stamped);
    if (ObjectMetadata.isDeleting(stamped) && ObjectMetadata.finalizers(stamped).isEmpty()
        && !ObjectMetadata.finalizers(current).isEmpty()) {
      em.remove(object);
      record(revision, ObjectChange.Type.DELETED, object, apiVersion, now);
    } else {
      record(revision, ObjectChange.Type.MODIFIED, object, apiVersion, now);
    }
    return object;
  }

  /**
   * Deletes an object at once; with finalizers, it is only marked (see the graceful variant).
   *
   * @return the object as deleted (or as marked), and whether it is gone
   */
  public DeleteResult delete(ObjectKey key, String apiVersion, Preconditions preconditions)
      throws NotFoundException, ConflictException {
    return delete(key, apiVersion, preconditions, current -> 0);
  }

  /**
   * Deletes an object, gracefully when {@code gracePeriod} gives the current object a period
   * above zero: then it is only marked, {@code deletionTimestamp} set that many seconds ahead
   * and {@code deletionGracePeriodSeconds} to the period, for whoever runs it (the node agent)
   * to stop it and delete it again with no grace. A later delete may shorten the period, never
   * lengthen it. With finalizers, it is marked too and stays until an update removes the last.
   *
   * @param gracePeriod the grace period in seconds for the current object (0: no grace)
   * @return the object as deleted (or as marked), and whether it is gone
   */
  public DeleteResult delete(ObjectKey key, String apiVersion, Preconditions preconditions,
      ToLongFunction<JsonObject> gracePeriod) throws NotFoundException, ConflictException {
    long revision = nextRevision();
    StoredObject object = latest(key).orElseThrow(() -> new NotFoundException(key));
    check(object, preconditions);
    JsonObject current = object.json();
    Instant now = clock.instant();
    long grace = Math.max(0, gracePeriod.applyAsLong(current));
    boolean finalizers = !ObjectMetadata.finalizers(current).isEmpty();
    if (grace > 0 || finalizers) {
      Optional<Long> currentGrace = ObjectMetadata.deletionGracePeriod(current);
      boolean shortens = currentGrace.isPresent() && grace < currentGrace.get();
      if (!ObjectMetadata.isDeleting(current) || shortens) {
        JsonObject marked = ObjectMetadata.markDeleting(current, revision, now, grace);
        write(object, revision, object.generation(), marked);
        record(revision, ObjectChange.Type.MODIFIED, object, apiVersion, now);
      }
      if (finalizers || grace > 0) {
        return new DeleteResult(object, false);
      }
    }
    JsonObject deleted = ObjectMetadata.withResourceVersion(current, revision);
    write(object, revision, object.generation(), deleted);
    em.remove(object);
    record(revision, ObjectChange.Type.DELETED, object, apiVersion, now);
    return new DeleteResult(object, true);
  }

  /**
   * Deletes an object whose stored body cannot be read: it cannot be decrypted (its key was
   * dropped), it is not a JSON object, its metadata cannot be decoded, or it is larger than
   * {@link #READABLE_BYTES} (read, it could exhaust the heap). The row goes without its body
   * being opened or parsed, finalizers and grace periods unheeded, as Kubernetes' unsafe deletion
   * ({@code ignoreStoreReadErrorWithClusterBreakingPotential}) does; watchers get a DELETED event
   * whose object carries only the identity.
   *
   * @return the object as deleted (its identity and the revision of the deletion)
   * @throws NotCorruptException if the object can be read (nothing is written)
   */
  public StoredObject deleteCorrupt(ObjectKey key, String apiVersion)
      throws NotFoundException, NotCorruptException {
    long revision = nextRevision();
    @SuppressWarnings("unchecked")
    List<Object[]> rows = em.createNativeQuery("SELECT CAST(uid AS text), generation, created_at,"
            + " octet_length(CAST(body AS text)) FROM api_object WHERE api_group = ?1"
            + " AND kind = ?2 AND namespace = ?3 AND name = ?4")
        .setParameter(1, key.apiGroup()).setParameter(2, key.kind())
        .setParameter(3, key.namespace()).setParameter(4, key.name())
        .getResultList();
    if (rows.isEmpty()) {
      throw new NotFoundException(key);
    }
    Object[] row = rows.get(0);
    UUID uid = UUID.fromString((String) row[0]);
    long size = ((Number) row[3]).longValue();
    if (size <= READABLE_BYTES && readable(key)) {
      throw new NotCorruptException(key);
    }
    Instant now = clock.instant();
    JsonObject identity = ObjectMetadata.identity(key, apiVersion, uid, revision);
    StoredObject gone = new StoredObject(key, uid, createdAt(row[2]));
    String json = identity.toString();
    gone.write(revision, ((Number) row[1]).longValue(), "{}", json,
        encryption.toStorage(key, json));
    em.flush();
    em.createNativeQuery("DELETE FROM api_object WHERE uid = CAST(?1 AS uuid)")
        .setParameter(1, uid.toString())
        .executeUpdate();
    LOG.warning(() -> "Deleted the unreadable " + key.kind() + " " + key.namespace() + "/"
        + key.name() + " (uid " + uid + ", " + size + " bytes) without reading it");
    record(revision, ObjectChange.Type.DELETED, gone, apiVersion, now);
    return gone;
  }

  /**
   * Bodies above this size are not read to tell whether they are corrupt: 16 MiB, ten times what
   * Kubernetes lets an object be (1.5 MiB), and far below what would exhaust the heap.
   */
  static final long READABLE_BYTES = 16L << 20;

  /** Whether an object's body can be opened, parsed and its metadata read. */
  private boolean readable(ObjectKey key) {
    try {
      Optional<StoredObject> object = get(key);
      if (object.isEmpty()) {
        return false;
      }
      JsonObject json = object.get().json();
      ObjectMetadata.finalizers(json);
      ObjectMetadata.isDeleting(json);
      ObjectMetadata.deletionGracePeriod(json);
      ObjectMetadata.labels(json);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static Instant createdAt(Object value) {
    if (value instanceof Instant instant) {
      return instant;
    }
    if (value instanceof java.sql.Timestamp timestamp) {
      return timestamp.toInstant();
    }
    if (value instanceof java.time.OffsetDateTime offset) {
      return offset.toInstant();
    }
    return Instant.EPOCH;
  }

  /**
   * Marks an object as being deleted ({@code deletionTimestamp} now) without removing it: for
   * objects whose deletion a controller finishes, such as a namespace it empties first.
   */
  public StoredObject markDeleting(ObjectKey key, String apiVersion, Preconditions preconditions,
      UnaryOperator<JsonObject> alsoChange) throws NotFoundException, ConflictException {
    long revision = nextRevision();
    StoredObject object = latest(key).orElseThrow(() -> new NotFoundException(key));
    check(object, preconditions);
    JsonObject current = object.json();
    if (ObjectMetadata.isDeleting(current)) {
      return object;
    }
    Instant now = clock.instant();
    JsonObject marked = alsoChange.apply(ObjectMetadata.markDeleting(current, revision, now, 0));
    write(object, revision, object.generation(), marked);
    record(revision, ObjectChange.Type.MODIFIED, object, apiVersion, now);
    return object;
  }

  /** The outcome of a delete: the object's last state, and whether it is gone or only marked. */
  public record DeleteResult(StoredObject object, boolean gone) {}

  /** The latest cluster revision. */
  public long currentRevision() {
    Object revision = em.createNativeQuery("SELECT revision FROM cluster_revision WHERE id = 1")
        .getSingleResult();
    return ((Number) revision).longValue();
  }

  private void check(StoredObject object, Preconditions preconditions) throws ConflictException {
    if (preconditions.uid().isPresent() && !preconditions.uid().get().equals(object.uid().toString())) {
      throw ConflictException.preconditionFailed(object.key(), "Precondition failed: UID in"
          + " precondition: " + preconditions.uid().get() + ", UID in object meta: "
          + object.uid());
    }
    Optional<String> version = preconditions.resourceVersion()
        .filter(wanted -> wanted != object.resourceVersion()).map(String::valueOf)
        .or(preconditions::unmatchableResourceVersion);
    if (version.isPresent()) {
      throw ConflictException.preconditionFailed(object.key(), "Precondition failed:"
          + " ResourceVersion in precondition: " + version.get()
          + ", ResourceVersion in object meta: " + object.resourceVersion());
    }
  }

  private static ConflictException conflict(ObjectKey key) {
    return new ConflictException(key, "the object has been modified; please apply your changes"
        + " to the latest version and try again");
  }

  /** The node a pod is bound to, whose agent hears of its changes; empty for anything else. */
  private static String boundNode(ObjectKey key, StoredObject object) {
    if (!key.kind().equals("Pod") || !key.apiGroup().isEmpty()) {
      return "";
    }
    return JsonFields.object(object.json(), "spec").getString("nodeName", "");
  }

  /**
   * What an Event object reports, for subscribers' selectors: core/v1 names the object
   * {@code involvedObject}, events.k8s.io/v1 {@code regarding}.
   */
  private static ClusterEvent.Occurrence occurrence(ObjectKey key, StoredObject object) {
    if (!key.kind().equals("Event")) {
      return ClusterEvent.Occurrence.NONE;
    }
    JsonObject json = object.json();
    JsonObject regarding = JsonFields.object(json,
        key.apiGroup().isEmpty() ? "involvedObject" : "regarding");
    return new ClusterEvent.Occurrence(json.getString("type", ""), json.getString("reason", ""),
        regarding.getString("kind", ""), regarding.getString("name", ""));
  }

  private void record(long revision, ObjectChange.Type type, StoredObject object,
      String apiVersion, Instant now) {
    em.persist(new ObjectChange(revision, type, object, now));
    ObjectKey key = object.key();
    if (type == ObjectChange.Type.DELETED && HistoryRetention.dropsOnDelete(key)) {
      // SKIP LOCKED: rows another transaction holds are compaction's (older than the history
      // window, so they go anyway). Waiting for them while this write holds the revision row,
      // which compaction asks for next, deadlocked (FuzzIT deleting Secrets, 2 s compaction).
      em.createNativeQuery("""
              DELETE FROM api_change WHERE revision IN (
                SELECT revision FROM api_change
                 WHERE api_group = ?1 AND kind = ?2 AND namespace = ?3 AND name = ?4
                   AND revision < ?5
                   FOR UPDATE SKIP LOCKED)""")
          .setParameter(1, key.apiGroup())
          .setParameter(2, key.kind())
          .setParameter(3, key.namespace())
          .setParameter(4, key.name())
          .setParameter(5, revision)
          .executeUpdate();
    }
    clusterEvents.fire(new ClusterEvent(type.name(), apiVersion, key.kind(), key.namespace(),
        key.name(), object.uid().toString(), revision, boundNode(key, object),
        occurrence(key, object)));
  }

  /** Writes a body to the object: its labels, and its stored form (encrypted for some kinds). */
  private void write(StoredObject object, long revision, long generation, JsonObject body) {
    String json = body.toString();
    object.write(revision, generation, ObjectMetadata.labels(body).toString(), json,
        encryption.toStorage(object.key(), json));
  }

  /**
   * The object as committed now, read under the revision lock. A read earlier in the same
   * transaction (a controller's get before its update) leaves the entity in the persistence
   * context as it was then, and a query does not overwrite a managed entity's state (JPA's
   * identity guarantee): such an entity is read again, or a write another transaction made in
   * between would be lost.
   */
  private Optional<StoredObject> latest(ObjectKey key) {
    Optional<StoredObject> found = get(key);
    found.ifPresent(object -> {
      long committed = em.createQuery(
              "SELECT o.resourceVersion FROM StoredObject o WHERE o.uid = :uid", Long.class)
          .setParameter("uid", object.uid())
          .getSingleResult();
      if (committed != object.resourceVersion()) {
        em.refresh(object);
        open(object);
      }
    });
    return found;
  }

  /**
   * Opens a listed row; when it cannot be read (no provider can transform it, or it is not a JSON
   * object: kube-apiserver's "untransformable" and "undecodable"), says why in Kubernetes' words.
   */
  private static Optional<CorruptObjectsException.Corrupt> unreadable(StoredObject row,
      BodyTransformer transformer) {
    try {
      open(row, transformer);
      return Optional.empty();
    } catch (UndecodableObjectException e) {
      return Optional.of(CorruptObjectsException.undecodable(
          BodyTransformer.storageKey(row.key()), e.revision(), UndecodableObjectException.REASON));
    } catch (StorageTransformException e) {
      String reason = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
      return Optional.of(CorruptObjectsException.untransformable(
          BodyTransformer.storageKey(row.key()), reason));
    }
  }

  private StoredObject open(StoredObject object) {
    return open(object, encryption.transformer());
  }

  /**
   * Turns a row's stored body into the object's JSON.
   *
   * @throws StorageTransformException if no provider can read it
   * @throws UndecodableObjectException if what it holds is not an object
   */
  private static StoredObject open(StoredObject object, BodyTransformer transformer) {
    BodyTransformer.Opened opened = transformer.fromStorage(object.key(), object.storedBody());
    if (!BodyTransformer.isJsonObject(opened.json())) {
      throw new UndecodableObjectException(BodyTransformer.storageKey(object.key()),
          object.resourceVersion());
    }
    object.opened(opened.json(), opened.stale());
    return object;
  }

  /** Re-encrypts the stale entries of an object's history under the key writes use now. */
  private void restoreHistory(ObjectKey key) {
    BodyTransformer transformer = encryption.transformer();
    for (ObjectChange change : em.createNamedQuery(ObjectChange.HISTORY, ObjectChange.class)
        .setParameter("key", key)
        .getResultList()) {
      try {
        BodyTransformer.Opened opened = transformer.fromStorage(key, change.storedBody());
        if (opened.stale()) {
          change.restore(transformer.toStorage(key, opened.json()));
        }
      } catch (StorageTransformException e) {
        // under a key no longer configured: it cannot be re-encrypted, and is left to compaction
        LOG.warning(() -> "Change " + change.revision() + " stays as it is: " + e.getMessage());
      }
    }
  }

  /** The field requirements a list answers from the body (not the name and namespace columns). */
  private static FieldSelector bodyFields(FieldSelector fields) {
    return fields.only(r -> !isColumn(r));
  }

  private static FieldSelector columnFields(FieldSelector fields) {
    return fields.only(ObjectStore::isColumn);
  }

  private static boolean isColumn(FieldSelector.FieldRequirement requirement) {
    return requirement.field().equals("metadata.name")
        || requirement.field().equals("metadata.namespace");
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
