package dev.capstan.store;

import dev.capstan.store.entity.StoredObject;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * One page of a list.
 *
 * @param items the objects, ordered by namespace then name
 * @param resourceVersion the cluster revision the list is current as of: a watch from it misses
 *     nothing that happened after the list
 * @param continueAfter where the next page starts, if there are more objects
 */
public record ObjectList(
    List<StoredObject> items, long resourceVersion, Optional<ListQuery.Position> continueAfter) {

  /** The objects' bodies, as the API returns them. */
  public List<JsonObject> bodies() {
    return items.stream().map(StoredObject::json).toList();
  }
}
