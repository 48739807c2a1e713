package dev.capstan.controllers;

import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.entity.ObjectKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The keys of the storage controllers, which work on claims and volumes alike:
 * {@code claim:<namespace>/<name>} and {@code volume:<name>}.
 */
final class StorageKeys {

  private static final String CLAIM = "claim:";
  private static final String VOLUME = "volume:";

  private StorageKeys() {}

  static String claim(String namespace, String name) {
    return CLAIM + namespace + "/" + name;
  }

  static String volume(String name) {
    return VOLUME + name;
  }

  /** Every claim's and every volume's key, for the resync. */
  static Collection<String> all(ObjectStore store) {
    List<String> keys = new ArrayList<>();
    ControllerKeys.all(store, ResourceTypes.PERSISTENT_VOLUME_CLAIM).forEach(k -> keys.add(CLAIM + k));
    store.keys(ResourceTypes.PERSISTENT_VOLUME.group(), ResourceTypes.PERSISTENT_VOLUME.kind())
        .forEach(k -> keys.add(VOLUME + k.name()));
    return keys;
  }

  /** The claim a key names, if it names one. */
  static Optional<ObjectKey> claimOf(String key) {
    if (!key.startsWith(CLAIM)) {
      return Optional.empty();
    }
    String[] parts = key.substring(CLAIM.length()).split("/", 2);
    return Optional.of(ResourceTypes.PERSISTENT_VOLUME_CLAIM.key(parts[0], parts[1]));
  }

  /** The volume a key names, if it names one. */
  static Optional<ObjectKey> volumeOf(String key) {
    return key.startsWith(VOLUME)
        ? Optional.of(ResourceTypes.PERSISTENT_VOLUME.key("", key.substring(VOLUME.length())))
        : Optional.empty();
  }
}
