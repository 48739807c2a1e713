package dev.capstan.kinds;

import dev.capstan.store.ListQuery;

import dev.capstan.store.entity.ObjectKey;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One kind the API serves: where it lives in the URL space, how it is scoped, and what discovery
 * says about it.
 *
 * @param group the API group, empty for the core group
 * @param version the served version, e.g. {@code v1}
 * @param kind the kind, e.g. {@code Namespace}
 * @param plural the resource name in URLs, e.g. {@code namespaces}
 * @param namespaced whether objects of this kind live in a namespace
 * @param shortNames kubectl's abbreviations, e.g. {@code ns}
 * @param categories e.g. {@code all}, so {@code kubectl get all} includes the kind
 * @param subresources e.g. {@code status}, {@code scale}
 * @param readOnly served from live state, never written through the API (ComponentStatus)
 * @param createOnly a request answered in its status and never stored (access reviews): the
 *     only verb is {@code create}
 */
public record ResourceType(
    String group,
    String version,
    String kind,
    String plural,
    boolean namespaced,
    List<String> shortNames,
    List<String> categories,
    Set<String> subresources,
    boolean readOnly,
    boolean createOnly) {

  /** Every verb of a writable kind, in discovery's order. */
  public static final List<String> ALL_VERBS = List.of(
      "create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
  public static final List<String> READ_VERBS = List.of("get", "list");

  /** {@code v1} for the core group, {@code group/version} otherwise. */
  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** The lower-case kind, as discovery's {@code singularName}. */
  public String singular() {
    return kind.toLowerCase(java.util.Locale.ROOT);
  }

  /** {@code PodList} for {@code Pod}. */
  public String listKind() {
    return kind + "List";
  }

  public List<String> verbs() {
    return createOnly ? List.of("create") : readOnly ? READ_VERBS : ALL_VERBS;
  }

  /** The store identity of the object of this kind with this namespace and name. */
  /** A list of every object of this kind (in one namespace, or all) the field selector selects. */
  public ListQuery all(Optional<String> namespace, String fieldSelector) {
    return ListQuery.all(group, kind, namespace, fieldSelector);
  }

  public ObjectKey key(String namespace, String name) {
    return new ObjectKey(group, kind, namespaced ? namespace : "", name);
  }

  /** {@code pods} for the core group, {@code deployments.apps} otherwise, as kubectl names it. */
  public String qualifiedPlural() {
    return group.isEmpty() ? plural : plural + "." + group;
  }
}
