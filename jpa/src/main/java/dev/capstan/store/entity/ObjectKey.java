package dev.capstan.store.entity;

import java.util.Objects;

/**
 * Identifies an object the way the API does: group, kind, namespace and name.
 *
 * @param apiGroup the API group, the empty string for the core group
 * @param kind the kind, e.g. {@code Namespace}
 * @param namespace the namespace, the empty string for cluster-scoped kinds
 * @param name the object's name
 */
public record ObjectKey(String apiGroup, String kind, String namespace, String name) {

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
