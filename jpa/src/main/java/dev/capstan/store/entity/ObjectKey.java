package dev.capstan.store.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.util.Objects;

/**
 * Identifies an object the way the API does: group, kind, namespace and name. Embedded in both
 * the object rows and the change log.
 *
 * @param apiGroup the API group, the empty string for the core group
 * @param kind the kind, e.g. {@code Namespace}
 * @param namespace the namespace, the empty string for cluster-scoped kinds
 * @param name the object's name
 */
@Embeddable
public record ObjectKey(
    @Column(name = "api_group", nullable = false) String apiGroup,
    @Column(nullable = false) String kind,
    @Column(nullable = false) String namespace,
    @Column(nullable = false) String name) {

  public ObjectKey {
    Objects.requireNonNull(apiGroup, "apiGroup");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  /** The apiVersion string of this key's group at the given version, e.g. {@code apps/v1}. */
  public String apiVersion(String version) {
    return apiGroup.isEmpty() ? version : apiGroup + "/" + version;
  }
}
