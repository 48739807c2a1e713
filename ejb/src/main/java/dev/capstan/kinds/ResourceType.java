package dev.capstan.kinds;

import dev.capstan.store.entity.ObjectKey;

/**
 * One kind the API serves: where it lives in the URL space and how it is scoped.
 *
 * @param group the API group, empty for the core group
 * @param version the served version, e.g. {@code v1}
 * @param kind the kind, e.g. {@code Namespace}
 * @param plural the resource name in URLs, e.g. {@code namespaces}
 * @param namespaced whether objects of this kind live in a namespace
 */
public record ResourceType(
    String group, String version, String kind, String plural, boolean namespaced) {

  /** {@code v1} for the core group, {@code group/version} otherwise. */
  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** The store identity of the object of this kind with this namespace and name. */
  public ObjectKey key(String namespace, String name) {
    return new ObjectKey(group, kind, namespaced ? namespace : "", name);
  }
}
