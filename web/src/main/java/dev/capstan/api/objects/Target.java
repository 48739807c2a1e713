package dev.capstan.api.objects;

import dev.capstan.api.status.Statuses;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import java.util.List;
import java.util.Optional;

/**
 * What a request URL names: a kind, and within it all objects, one namespace's objects, one object,
 * or a subresource of one object.
 *
 * <pre>
 *   /api/v1/{plural}                                   cluster-scoped, or all namespaces
 *   /api/v1/{plural}/{name}[/{subresource}]            a cluster-scoped object
 *   /api/v1/namespaces/{ns}/{plural}                   one namespace's objects
 *   /api/v1/namespaces/{ns}/{plural}/{name}[/{sub}]    a namespaced object
 *   (and the same under /apis/{group}/{version})
 * </pre>
 *
 * @param type the kind
 * @param namespace the namespace, empty for "all namespaces" and for cluster-scoped kinds
 * @param name the object's name, empty for a collection
 * @param subresource e.g. {@code status}, {@code scale}; empty for the object itself
 */
record Target(ResourceType type, Optional<String> namespace, Optional<String> name,
    Optional<String> subresource) {

  boolean isCollection() {
    return name.isEmpty();
  }

  String namespaceOrEmpty() {
    return namespace.orElse("");
  }

  /** Parses the path segments after {@code /api/v1/} or {@code /apis/<group>/<version>/}. */
  static Target parse(String group, String version, List<String> segments) {
    if (segments.size() >= 3 && segments.get(0).equals("namespaces")) {
      Optional<ResourceType> namespaced = ResourceTypes.find(group, version, segments.get(2))
          .filter(ResourceType::namespaced);
      if (namespaced.isPresent() && segments.size() <= 5) {
        return new Target(namespaced.get(), Optional.of(segments.get(1)),
            segment(segments, 3), segment(segments, 4));
      }
    }
    if (segments.isEmpty() || segments.size() > 3) {
      throw unknown(segments);
    }
    ResourceType type = ResourceTypes.find(group, version, segments.get(0))
        .orElseThrow(() -> unknown(segments));
    if (type.namespaced() && segments.size() > 1) {
      // a namespaced kind's object must be addressed through its namespace
      throw unknown(segments);
    }
    return new Target(type, Optional.empty(), segment(segments, 1), segment(segments, 2));
  }

  /** The non-empty segments of a path. */
  static List<String> segments(String path) {
    return java.util.Arrays.stream(path.split("/")).filter(segment -> !segment.isEmpty()).toList();
  }

  private static Optional<String> segment(List<String> segments, int index) {
    return index < segments.size() ? Optional.of(segments.get(index)) : Optional.empty();
  }

  private static RuntimeException unknown(List<String> segments) {
    return Statuses.notFoundPath();
  }
}
