package dev.capstan.store;

import java.util.Optional;

/**
 * What a client requires of an object before a write or delete may happen, as Kubernetes'
 * {@code metav1.Preconditions}.
 *
 * @param uid the object must have this uid
 * @param resourceVersion the object must be at this revision
 * @param unmatchableResourceVersion a precondition's resourceVersion that is no revision number
 *     ({@code "abc"}): Kubernetes compares resource versions as strings, so no object has it and
 *     the write fails as any other mismatch does, 409 Conflict naming both
 */
public record Preconditions(Optional<String> uid, Optional<Long> resourceVersion,
    Optional<String> unmatchableResourceVersion) {

  public static final Preconditions NONE = new Preconditions(Optional.empty(), Optional.empty());

  public Preconditions(Optional<String> uid, Optional<Long> resourceVersion) {
    this(uid, resourceVersion, Optional.empty());
  }

  public static Preconditions resourceVersion(long resourceVersion) {
    return new Preconditions(Optional.empty(), Optional.of(resourceVersion));
  }
}
