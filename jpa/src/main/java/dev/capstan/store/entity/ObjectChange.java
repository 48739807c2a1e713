package dev.capstan.store.entity;

import dev.capstan.jsonp.Json;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;

/**
 * One entry of the change log: what a revision did to which object, with the object's body after
 * the change (before it, for a deletion). Append-only; watch replays it, compaction trims it.
 *
 * <p>The body is stored in the same form as the object's row (ciphertext for kinds encrypted at
 * rest); readers open it ({@link #opened}) before asking for {@link #json()}.
 */
@Entity
@Table(name = "api_change")
@NamedQuery(
    name = ObjectChange.AFTER,
    query = "select c from ObjectChange c where c.revision > :after order by c.revision")
@NamedQuery(
    name = ObjectChange.AFTER_FOR_KIND,
    query = "select c from ObjectChange c where c.revision > :after and c.key.apiGroup = :group"
        + " and c.key.kind = :kind order by c.revision")
@NamedQuery(
    name = ObjectChange.HISTORY,
    query = "select c from ObjectChange c where c.key = :key order by c.revision")
public class ObjectChange {

  public static final String HISTORY = "ObjectChange.history";
  public static final String AFTER = "ObjectChange.after";
  public static final String AFTER_FOR_KIND = "ObjectChange.afterForKind";

  /** The watch event types of Kubernetes. */
  public enum Type {
    ADDED,
    MODIFIED,
    DELETED
  }

  @Id
  private long revision;

  @Enumerated(EnumType.STRING)
  @Column(name = "event_type", nullable = false)
  private Type type;

  @Embedded
  private ObjectKey key;

  @Column(nullable = false)
  private UUID uid;

  @Column(nullable = false, columnDefinition = "jsonb")
  @ColumnTransformer(write = "?::jsonb")
  private String body;

  @Column(name = "recorded_at", nullable = false)
  private Instant recordedAt;

  @Transient
  private String json;

  @Transient
  private boolean stale;

  protected ObjectChange() {}

  public ObjectChange(long revision, Type type, StoredObject object, Instant recordedAt) {
    this.revision = revision;
    this.type = type;
    this.key = object.key();
    this.uid = object.uid();
    this.body = object.storedBody();
    this.json = object.body();
    this.recordedAt = recordedAt;
  }

  public long revision() {
    return revision;
  }

  public Type type() {
    return type;
  }

  public ObjectKey key() {
    return key;
  }

  public UUID uid() {
    return uid;
  }

  public Instant recordedAt() {
    return recordedAt;
  }

  /** The {@code body} column: JSON, or for kinds encrypted at rest their ciphertext. */
  public String storedBody() {
    return body;
  }

  /** The row was read: its body as JSON, and whether its stored form is under an old key. */
  public void opened(String bodyJson, boolean stale) {
    this.json = bodyJson;
    this.stale = stale;
  }

  /** Whether the stored form was written with another key than writes use now. */
  public boolean stale() {
    return stale;
  }

  /** Stores the body again, in a new form (re-encrypted under the current key). */
  public void restore(String storedBody) {
    this.body = storedBody;
    this.stale = false;
  }

  /** The object as the change left it (as it was last, for a deletion). */
  public JsonObject json() {
    try (JsonReader reader = Json.createReader(new StringReader(json != null ? json : body))) {
      return reader.readObject();
    }
  }
}
