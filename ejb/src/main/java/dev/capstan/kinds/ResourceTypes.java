package dev.capstan.kinds;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The registry of kinds the API serves. A new kind is one entry here plus its validation, never a
 * new resource class.
 */
public final class ResourceTypes {

  public static final ResourceType NAMESPACE =
      new ResourceType("", "v1", "Namespace", "namespaces", false);

  private static final List<ResourceType> ALL = List.of(NAMESPACE);

  private static final Map<String, ResourceType> BY_GROUP_VERSION_PLURAL = ALL.stream()
      .collect(Collectors.toUnmodifiableMap(
          type -> type.apiVersion() + "/" + type.plural(), Function.identity()));

  private ResourceTypes() {}

  /** The kind served at {@code /api/<version>/<plural>} or {@code /apis/<group>/<version>/<plural>}. */
  public static Optional<ResourceType> find(String group, String version, String plural) {
    String apiVersion = group.isEmpty() ? version : group + "/" + version;
    return Optional.ofNullable(BY_GROUP_VERSION_PLURAL.get(apiVersion + "/" + plural));
  }

  public static List<ResourceType> all() {
    return ALL;
  }
}
