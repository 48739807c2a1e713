package dev.capstan.api.objects;

import dev.capstan.api.status.Statuses;
import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceType;
import dev.capstan.store.HistoryRetention;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.entity.ObjectChange;
import dev.capstan.store.entity.ObjectKey;
import dev.capstan.watch.ChangeLog;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.util.List;

/**
 * The {@code history} subresource, Capstan's own: every revision of one object still in the
 * change log (the compaction window), oldest first, across deletions and re-creations under the
 * same name (not a deleted Secret's: see {@link HistoryRetention}).
 * {@code GET /api/v1/namespaces/default/configmaps/app/history} answers
 *
 * <pre>
 * {"kind": "ObjectHistory", "apiVersion": "capstan.dev/v1",
 *  "metadata": {"name": "app", "namespace": "default", "compactedRevision": "40"},
 *  "items": [{"revision": "41", "type": "ADDED", "recordedAt": "...", "object": {...}}, ...]}
 * </pre>
 */
final class History {

  private History() {}

  static JsonObject of(Target target, ChangeLog changeLog) {
    ResourceType type = target.type();
    String name = target.name().orElseThrow();
    ObjectKey key = type.key(target.namespaceOrEmpty(), name);
    List<ObjectChange> changes = changeLog.history(key);
    if (HistoryRetention.dropsOnDelete(key)) {
      // a deleted Secret's history went with it; its DELETED change stays only for watchers
      int lastDeleted = -1;
      for (int i = 0; i < changes.size(); i++) {
        if (changes.get(i).type() == ObjectChange.Type.DELETED) {
          lastDeleted = i;
        }
      }
      changes = changes.subList(lastDeleted + 1, changes.size());
    }
    if (changes.isEmpty()) {
      throw Statuses.notFound(type.qualifiedPlural(), name);
    }
    JsonArrayBuilder items = Json.createArrayBuilder();
    for (ObjectChange change : changes) {
      items.add(Json.createObjectBuilder()
          .add("revision", Long.toString(change.revision()))
          .add("type", change.type().name())
          .add("recordedAt", ObjectMetadata.timestamp(change.recordedAt()))
          .add("object", change.json()));
    }
    var metadata = Json.createObjectBuilder()
        .add("name", name)
        .add("compactedRevision", Long.toString(changeLog.compactedRevision()));
    if (!key.namespace().isEmpty()) {
      metadata.add("namespace", key.namespace());
    }
    return Json.createObjectBuilder()
        .add("kind", "ObjectHistory")
        .add("apiVersion", "capstan.dev/v1")
        .add("metadata", metadata)
        .add("items", items)
        .build();
  }
}
