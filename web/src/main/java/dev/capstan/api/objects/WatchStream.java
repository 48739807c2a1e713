package dev.capstan.api.objects;

import dev.capstan.api.status.Statuses;
import dev.capstan.api.table.Tables;
import dev.capstan.kinds.ResourceType;
import dev.capstan.store.ListQuery;
import dev.capstan.store.ObjectList;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.entity.ObjectKey;
import dev.capstan.store.entity.StoredObject;
import dev.capstan.watch.Change;
import dev.capstan.watch.ChangeLog;
import dev.capstan.watch.Subscription;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One watch response: newline-delimited JSON events ({@code {"type":"ADDED","object":{...}}}),
 * each flushed as it happens, until the timeout or until the client goes away.
 *
 * <p>Starts with the objects as they are ("ADDED" for each) when no resourceVersion was given,
 * else with the changes logged after it; then streams live changes from the subscription, which
 * was opened before the replay, skipping revisions already sent.
 */
final class WatchStream implements StreamingOutput {

  private static final int REPLAY_BATCH = 1_000;
  private static final long BOOKMARK_MILLIS = 60_000;

  private final ResourceType type;
  private final ListQuery query;
  private final Optional<Long> resourceVersion;
  private final long timeoutMillis;
  private final boolean bookmarks;
  private final Map<ObjectKey, Long> initialState = new HashMap<>();
  private final Optional<Optional<String>> table;
  private final Subscription subscription;
  private final ObjectStore store;
  private final ChangeLog changeLog;
  private final Tables tables;

  /**
   * @param table present when each event's object is to be a Table (with includeObject)
   */
  WatchStream(ResourceType type, ListQuery query, Optional<Long> resourceVersion, long timeoutMillis,
      boolean bookmarks, Optional<Optional<String>> table, Subscription subscription,
      ObjectStore store, ChangeLog changeLog, Tables tables) {
    this.type = type;
    this.query = query;
    this.resourceVersion = resourceVersion;
    this.timeoutMillis = timeoutMillis;
    this.bookmarks = bookmarks;
    this.table = table;
    this.subscription = subscription;
    this.store = store;
    this.changeLog = changeLog;
    this.tables = tables;
  }

  @Override
  public void write(OutputStream out) throws IOException {
    // Commit "200 OK" and the headers now, as kube-apiserver does: a client waiting for the
    // response must not wait for the first event (an empty collection may have none for long).
    out.write(new byte[0]);
    out.flush();
    try (subscription) {
      if (resourceVersion.isPresent() && resourceVersion.get() < changeLog.compactedRevision()) {
        // As kube-apiserver: the watch starts, then says Gone; clients list and watch again.
        send(out, "ERROR", Statuses.gone("too old resource version: " + resourceVersion.get()
            + " (" + changeLog.compactedRevision() + ")"));
        return;
      }
      long sent = resourceVersion.isEmpty() ? sendCurrentState(out) : replay(out, resourceVersion.get());
      long deadline = System.currentTimeMillis() + timeoutMillis;
      long nextBookmark = System.currentTimeMillis() + BOOKMARK_MILLIS;
      while (System.currentTimeMillis() < deadline) {
        long wait = Math.min(deadline, nextBookmark) - System.currentTimeMillis();
        Change change = subscription.poll(Math.max(wait, 1), TimeUnit.MILLISECONDS);
        if (subscription.overflowed()) {
          return; // too slow: the client lists and watches again
        }
        if (change == null) {
          if (bookmarks && System.currentTimeMillis() >= nextBookmark) {
            send(out, "BOOKMARK", bookmark(sent));
            nextBookmark = System.currentTimeMillis() + BOOKMARK_MILLIS;
          }
          continue;
        }
        if (change.revision() > sent
            && change.revision() > initialState.getOrDefault(change.key(), 0L)) {
          send(out, change.type().name(), change.object());
          sent = change.revision();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private long sendCurrentState(OutputStream out) throws IOException {
    ListQuery everything = new ListQuery(query.apiGroup(), query.kind(), query.namespace(),
        query.labels(), query.fields(), 0, Optional.empty());
    ObjectList list = store.list(everything);
    for (StoredObject object : list.items()) {
      send(out, "ADDED", object.json());
      if (object.resourceVersion() > list.resourceVersion()) {
        // The list reads its revision before its rows (it is not a snapshot), so a write that
        // commits in between is in the rows and also comes as a change: send it once.
        initialState.put(object.key(), object.resourceVersion());
      }
    }
    out.flush();
    return list.resourceVersion();
  }

  private long replay(OutputStream out, long after) throws IOException {
    long sent = after;
    List<Change> batch;
    do {
      batch = changeLog.after(sent, type.group(), type.kind(), REPLAY_BATCH);
      for (Change change : batch) {
        if (subscription.filter().matches(change)) {
          send(out, change.type().name(), change.object());
        }
        sent = change.revision();
      }
    } while (batch.size() == REPLAY_BATCH);
    out.flush();
    return sent;
  }

  private JsonObject bookmark(long revision) {
    return Json.createObjectBuilder()
        .add("kind", type.kind())
        .add("apiVersion", type.apiVersion())
        .add("metadata", Json.createObjectBuilder().add("resourceVersion", Long.toString(revision)))
        .build();
  }

  private void send(OutputStream out, String eventType, JsonObject object) throws IOException {
    JsonObject shown = table.isPresent() && !eventType.equals("BOOKMARK") && !eventType.equals("ERROR")
        ? tables.single(type, object, table.get()) : object;
    String line = Json.createObjectBuilder().add("type", eventType).add("object", shown).build() + "\n";
    out.write(line.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
