package dev.capstan.store;

import java.util.Optional;

/**
 * What a client requires of an object before a write or delete may happen, as Kubernetes'
 * {@code metav1.Preconditions}.
 *
 * @param uid the object must have this uid
 * @param resourceVersion the object must be at this revision
 */
public record Preconditions(Optional<String> uid, Optional<Long> resourceVersion) {

  public static final Preconditions NONE = new Preconditions(Optional.empty(), Optional.empty());

  public static Preconditions resourceVersion(long resourceVersion) {
    return new Preconditions(Optional.empty(), Optional.of(resourceVersion));
  }
}
