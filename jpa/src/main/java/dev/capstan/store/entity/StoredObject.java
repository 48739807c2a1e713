package dev.capstan.store.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.spi.JsonProvider;
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
 */
@Entity
@Table(name = "api_object")
@NamedQuery(
    name = StoredObject.FIND_BY_IDENTITY,
    query = "select o from StoredObject o where o.key = :key")
public class StoredObject {

  /**
   * Found once: {@code Json.createReader} looks the provider up through the ServiceLoader on every
   * call, which in WildFly's module class loaders cost more than parsing a pod.
   */
  private static final JsonProvider JSON = JsonProvider.provider();

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

  protected StoredObject() {}

  public StoredObject(ObjectKey key, UUID uid, Instant createdAt) {
    this.key = key;
    this.uid = uid;
    this.createdAt = createdAt;
    this.generation = 1;
  }

  /** Records a write: the new body, its labels, and the revision that wrote it. */
  public void write(long revision, long generation, String labelsJson, String bodyJson) {
    this.resourceVersion = revision;
    this.generation = generation;
    this.labels = labelsJson;
    this.body = bodyJson;
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

  public String body() {
    return body;
  }

  /** The body, parsed. */
  public JsonObject json() {
    try (JsonReader reader = JSON.createReader(new StringReader(body))) {
      return reader.readObject();
    }
  }

  public Instant createdAt() {
    return createdAt;
  }
}
