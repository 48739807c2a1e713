package dev.capstan.store.entity;

import dev.capstan.jsonp.Json;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
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
 * The current state of one API object: its identity (group, kind, namespace, name), the revision
 * of its last write, and its full body as JSON.
 *
 * <p>Rows are written only by the object store, inside the transaction that also appends the
 * matching {@link ObjectChange} and advances the cluster revision, so the three never disagree.
 *
 * <p>The {@code body} column holds the stored form, which for kinds encrypted at rest is
 * ciphertext; the store turns it into the object's JSON when it loads the row ({@link #opened})
 * and hands out only that. An entity nobody opened serves its column as it is.
 */
@Entity
@Table(name = "api_object")
@NamedQuery(
    name = StoredObject.FIND_BY_IDENTITY,
    query = "select o from StoredObject o where o.key = :key")
public class StoredObject {

  public static final String FIND_BY_IDENTITY = "StoredObject.findByIdentity";

  @Id
  private UUID uid;

  @Embedded
  private ObjectKey key;

  @Column(name = "resource_version", nullable = false)
  private long resourceVersion;

  @Column(nullable = false)
  private long generation;

  @Column(nullable = false, columnDefinition = "jsonb")
  @ColumnTransformer(write = "?::jsonb")
  private String labels;

  @Column(nullable = false, columnDefinition = "jsonb")
  @ColumnTransformer(write = "?::jsonb")
  private String body;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  /** The body as JSON when the column holds another form (ciphertext); null otherwise. */
  @Transient
  private String json;

  /** Whether the body was read with another key than the one writes use now. */
  @Transient
  private boolean stale;

  protected StoredObject() {}

  public StoredObject(ObjectKey key, UUID uid, Instant createdAt) {
    this.key = key;
    this.uid = uid;
    this.createdAt = createdAt;
    this.generation = 1;
  }

  /**
   * Records a write: the new body, its labels, and the revision that wrote it.
   *
   * @param bodyJson the object as JSON
   * @param storedBody what the {@code body} column holds for it (the same, or ciphertext)
   */
  public void write(long revision, long generation, String labelsJson, String bodyJson,
      String storedBody) {
    this.resourceVersion = revision;
    this.generation = generation;
    this.labels = labelsJson;
    this.body = storedBody;
    this.json = bodyJson;
    this.stale = false;
  }

  /** The row was read: its body as JSON, and whether its stored form is under an old key. */
  public void opened(String bodyJson, boolean stale) {
    this.json = bodyJson;
    this.stale = stale;
  }

  /** The {@code body} column: JSON, or for kinds encrypted at rest their ciphertext. */
  public String storedBody() {
    return body;
  }

  /** Whether the stored form was written with another key than writes use now. */
  public boolean stale() {
    return stale;
  }

  public ObjectKey key() {
    return key;
  }

  public UUID uid() {
    return uid;
  }

  public long resourceVersion() {
    return resourceVersion;
  }

  public long generation() {
    return generation;
  }

  /** The object as JSON. */
  public String body() {
    return json != null ? json : body;
  }

  /** The body, parsed. */
  public JsonObject json() {
    try (JsonReader reader = Json.createReader(new StringReader(body()))) {
      return reader.readObject();
    }
  }

  public Instant createdAt() {
    return createdAt;
  }
}
