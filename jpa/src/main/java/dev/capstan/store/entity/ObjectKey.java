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

  /**
   * Whether an object can be stored under this key at all. A NUL character can be in no stored
   * name (names are validated before they are stored) and PostgreSQL refuses it even as a query
   * parameter, so a lookup by such a key, made from user data such as an owner reference's name,
   * finds nothing without asking the database.
   */
  public boolean canExist() {
    return apiGroup.indexOf(0) < 0 && kind.indexOf(0) < 0 && namespace.indexOf(0) < 0
        && name.indexOf(0) < 0;
  }

  /** The apiVersion string of this key's group at the given version, e.g. {@code apps/v1}. */
  public String apiVersion(String version) {
    return apiGroup.isEmpty() ? version : apiGroup + "/" + version;
  }
}
