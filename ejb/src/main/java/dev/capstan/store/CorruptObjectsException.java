package dev.capstan.store;

import jakarta.ejb.ApplicationException;
import java.util.ArrayList;
import java.util.List;

/**
 * A list selected objects whose stored bodies cannot be read (not decryptable, or not a JSON
 * object): the list fails as a whole, naming them, as kube-apiserver's list does when
 * {@code AllowUnsafeMalformedObjectDeletion} is on (KEP-3926). Naming their storage keys tells an
 * administrator what to delete with {@code ignoreStoreReadErrorWithClusterBreakingPotential}.
 * A partial list would be worse than none: a controller acting on it could duplicate or delete
 * what it cannot see.
 *
 * <p>At most {@link #MAX_NAMED} objects are named; a list with more says it was cut short, as
 * Kubernetes' aggregator does.
 *
 * <p>An application exception that leaves the caller's transaction as it was: a read wrote
 * nothing, and a caller that enumerates kinds one after another may go on with the next.
 */
@ApplicationException(rollback = false)
public class CorruptObjectsException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Kubernetes' {@code corruptObjErrAggregatorFactory(100)}. */
  public static final int MAX_NAMED = 100;

  /**
   * One object that cannot be read.
   *
   * @param storageKey its key as Kubernetes would have it in etcd, e.g.
   *     {@code /registry/configmaps/default/broken}
   * @param error Kubernetes' {@code StorageError} text for it, starting
   *     {@code StorageError: corrupt object, Code: 7, Key: ...}
   */
  public record Corrupt(String storageKey, String error) {}

  private final String apiGroup;
  private final String kind;
  private final List<Corrupt> objects;
  private final boolean truncated;

  public CorruptObjectsException(String apiGroup, String kind, List<Corrupt> objects,
      boolean truncated) {
    super(message(objects, truncated));
    this.apiGroup = apiGroup;
    this.kind = kind;
    this.objects = List.copyOf(objects);
    this.truncated = truncated;
  }

  /** Kubernetes' text for an object whose stored form no provider could transform. */
  public static Corrupt untransformable(String storageKey, String reason) {
    return corrupt(storageKey, "data from the storage is not transformable revision=0: "
        + reason);
  }

  /** Kubernetes' text for an object whose stored form does not decode into an object. */
  public static Corrupt undecodable(String storageKey, long revision, String reason) {
    return corrupt(storageKey, "object not decodable revision=" + revision + ": " + reason);
  }

  private static Corrupt corrupt(String storageKey, String detail) {
    return new Corrupt(storageKey, "StorageError: corrupt object, Code: 7, Key: " + storageKey
        + ", ResourceVersion: 0, AdditionalErrorMsg: " + detail);
  }

  public String apiGroup() {
    return apiGroup;
  }

  public String kind() {
    return kind;
  }

  /** The unreadable objects, in list order, at most {@link #MAX_NAMED}. */
  public List<Corrupt> objects() {
    return objects;
  }

  /** Whether more unreadable objects were left unnamed (and unread). */
  public boolean truncated() {
    return truncated;
  }

  /** Kubernetes' {@code aggregatedStorageError} text. */
  private static String message(List<Corrupt> objects, boolean truncated) {
    List<String> errors = new ArrayList<>(objects.stream().map(Corrupt::error).toList());
    if (truncated) {
      errors.add("too many errors, the list is truncated");
    }
    StringBuilder text = new StringBuilder("unable to transform or decode " + errors.size()
        + " objects: {\n");
    errors.forEach(error -> text.append('\t').append(error).append('\n'));
    return text.append('}').toString();
  }
}
