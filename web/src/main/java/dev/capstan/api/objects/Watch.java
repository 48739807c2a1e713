package dev.capstan.api.objects;

import dev.capstan.api.status.Statuses;
import dev.capstan.api.table.Tables;
import dev.capstan.jsonp.Json;
import dev.capstan.kinds.Conversions;
import dev.capstan.kinds.ResourceType;
import dev.capstan.store.ListQuery;
import dev.capstan.store.ObjectList;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.entity.ObjectKey;
import dev.capstan.store.entity.StoredObject;
import dev.capstan.watch.Change;
import dev.capstan.watch.ChangeLog;
import dev.capstan.watch.Subscription;
import jakarta.json.JsonObject;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One open watch: newline-delimited JSON events ({@code {"type":"ADDED","object":{...}}}) on an
 * asynchronous servlet response, until the timeout, until the client goes away, or until it
 * falls too far behind (then its client lists and watches again, as with kube-apiserver).
 *
 * <pre>
 *   request thread (bounded work):  commit 200 ─▶ the objects as they are ("ADDED" each), or the
 *                                   changes logged after resourceVersion ─▶ non-blocking mode
 *   then no thread of its own:
 *     ChangeFeed ─append─▶ Subscription ─wake─▶ Watchers' ready queue ─▶ a writer thread runs
 *     {@link #turn()}: up to EVENTS_PER_TURN events while the socket takes them, then the back
 *     of the queue if more wait; a full socket waits for onWritePossible, which wakes it again.
 *     Timeout and bookmarks are scheduled flags that wake it the same way.
 * </pre>
 *
 * <p>All writes after the request thread happen in {@link #turn()}, which {@link Watchers} never
 * runs on two threads at once ({@link #wake()} and {@link #runTurn()} hand the watch over).
 * A client that goes away is noticed at the next write to it or by the container's error
 * callbacks, and its subscription is closed then.
 *
 * <p>The response is completed by the thread that owns the watch (the request thread in
 * {@link #start}, then a writer thread in {@link #turn()}) and never from the container's
 * callbacks, which only record what happened and hand over. A callback can run nested inside
 * the owner's own call: when a non-blocking {@code flush()} fails, Undertow fires
 * {@link AsyncListener#onError} on the flushing thread, between the request listeners (Weld's
 * request context) it sets up and tears down around it. A {@code complete()} from in there
 * hands the completion to a worker that sets up the same request's context while the flushing
 * thread still tears it down: two threads on one request's attribute map, which failed as
 * UT015005/UT015021 with a ConcurrentModificationException in Weld's request listener. So
 * {@code onError} and {@code onTimeout} leave completing to the container (it completes when
 * no listener did), and a failed write reported on the IO thread is completed by a writer.
 */
final class Watch implements WriteListener, AsyncListener {

  private static final Logger LOG = Logger.getLogger(Watch.class.getName());
  private static final int REPLAY_BATCH = 1_000;
  /** Events one watch may write per turn before the next watch's turn (fair sharing). */
  static final int EVENTS_PER_TURN = 64;

  private enum Phase { STARTING, LIVE, ENDED }

  private final ResourceType type;
  private final Optional<Optional<String>> table;
  private final Tables tables;
  private final String user;
  private final Watchers hub;
  private final Map<ObjectKey, Long> initialState = new HashMap<>();
  private final AtomicInteger signals = new AtomicInteger();
  private final AtomicBoolean ended = new AtomicBoolean();
  private final AtomicBoolean completed = new AtomicBoolean();
  private volatile Phase phase = Phase.STARTING;
  private volatile boolean timedOut;
  private volatile boolean bookmarkDue;
  /** The IO thread found the client gone (WriteListener.onError): a writer ends the watch. */
  private volatile boolean writeFailed;
  /** The container completed the response, or completes it after its callback returns. */
  private volatile boolean containerEnds;
  private Subscription subscription;
  private AsyncContext async;
  private ServletOutputStream out;
  private boolean unflushed;
  private long sent;

  /**
   * @param table present when each event's object is to be a Table (with includeObject)
   */
  Watch(ResourceType type, Optional<Optional<String>> table, Tables tables, String user,
      Watchers hub) {
    this.type = type;
    this.table = table;
    this.tables = tables;
    this.user = user;
    this.hub = hub;
  }

  String user() {
    return user;
  }

  /**
   * The request-thread part: commits the response, writes the current objects or the replay
   * with blocking writes, then turns the response over to non-blocking writes. The
   * subscription was opened before, so nothing committed meanwhile is missed.
   */
  void start(Subscription subscription, AsyncContext async, HttpServletResponse response,
      ObjectStore store, ChangeLog changeLog, ListQuery query, Optional<Long> resourceVersion) {
    // Read before answering: a store that does not answer (a burst of new watches can empty the
    // connection pool) is then a Status the client retries, not a broken stream.
    long compacted = resourceVersion.isPresent() ? changeLog.compactedRevision() : 0;
    Optional<ObjectList> current = resourceVersion.isEmpty()
        ? Optional.of(store.list(new ListQuery(query.apiGroup(), query.kind(), query.namespace(),
            query.labels(), query.fields(), 0, Optional.empty())))
        : Optional.empty();
    this.subscription = subscription;
    this.async = async;
    async.addListener(this);
    try {
      response.setStatus(200);
      response.setContentType("application/json");
      out = response.getOutputStream();
      // Commit "200 OK" and the headers now, as kube-apiserver does: a client waiting for the
      // response must not wait for the first event (an empty collection may have none for long).
      out.flush();
      if (resourceVersion.isPresent() && resourceVersion.get() < compacted) {
        // As kube-apiserver: the watch starts, then says Gone; clients list and watch again.
        out.write(event("ERROR", Statuses.gone("too old resource version: "
            + resourceVersion.get() + " (" + compacted + ")")));
        end("gone");
        return;
      }
      sent = current.isPresent()
          ? writeCurrentState(current.get())
          : replay(changeLog, resourceVersion.get());
      out.flush();
      // From here on writes never block: the container calls onWritePossible once this request
      // thread has returned, which starts the live phase on a writer thread.
      out.setWriteListener(this);
    } catch (IOException e) {
      end("client-gone"); // the client went away during the list
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Watch of " + type.qualifiedPlural() + " failed to start", e);
      try {
        out.write(event("ERROR", Statuses.internalError("the watch could not start: " + e)));
        out.flush();
      } catch (IOException | RuntimeException ignored) {
        // the client is gone too; ending the response is all that is left to do
      }
      end("error");
    }
  }

  /** The feed, the scheduler or the container says there may be something to do. */
  void wake() {
    if (signals.getAndIncrement() == 0) {
      hub.ready(this);
    }
  }

  /**
   * Called by a writer thread for a watch it took from the ready queue: one turn, then either
   * back to the queue (more to write, or wake-ups came meanwhile) or idle until the next wake.
   * While the watch is queued or running, {@code signals > 0}, so nobody else queues it.
   */
  void runTurn() {
    int seen = signals.get();
    if (turn()) {
      hub.ready(this);
      return;
    }
    if (signals.addAndGet(-seen) > 0) {
      hub.ready(this);
    }
  }

  /** Scheduled: the watch's timeoutSeconds are over. */
  void timeOut() {
    timedOut = true;
    wake();
  }

  /** Scheduled: time for a BOOKMARK (only for clients that allow them). */
  void bookmark() {
    bookmarkDue = true;
    wake();
  }

  boolean ended() {
    return ended.get();
  }

  /** @return true when it stopped for fairness with more to write and the socket writable */
  private boolean turn() {
    if (ended.get()) {
      return false;
    }
    if (writeFailed) {
      end("write-error");
      return false;
    }
    if (phase != Phase.LIVE) {
      return false;
    }
    try {
      if (timedOut || subscription.overflowed()) {
        // its time is up, or it fell too far behind: the client watches, or lists, again
        end(timedOut ? "timeout" : "too-slow");
        return false;
      }
      int budget = EVENTS_PER_TURN;
      while (budget > 0 && out.isReady()) {
        Change change = subscription.poll();
        if (change == null) {
          break;
        }
        if (change.revision() > sent
            && change.revision() > initialState.getOrDefault(change.key(), 0L)) {
          write(event(change.type().name(), change.object()));
          sent = change.revision();
          budget--;
        }
      }
      if (budget > 0 && bookmarkDue && out.isReady()) {
        bookmarkDue = false;
        write(event("BOOKMARK", bookmark(Math.max(sent, hub.dispatchedRevision()))));
      }
      if (unflushed && out.isReady()) {
        unflushed = false;
        out.flush();
      }
      return budget == 0 && out.isReady();
    } catch (IOException | RuntimeException e) {
      end("write-failed"); // the client went away (or the container gave up on it)
      return false;
    }
  }

  private void write(byte[] line) throws IOException {
    out.write(line);
    unflushed = true;
  }

  private long writeCurrentState(ObjectList list) throws IOException {
    for (StoredObject object : list.items()) {
      out.write(event("ADDED", object.json()));
      if (object.resourceVersion() > list.resourceVersion()) {
        // The list reads its revision before its rows (it is not a snapshot), so a write that
        // commits in between is in the rows and also comes as a change: send it once.
        initialState.put(object.key(), object.resourceVersion());
      }
    }
    return list.resourceVersion();
  }

  private long replay(ChangeLog changeLog, long after) throws IOException {
    long last = after;
    List<Change> batch;
    do {
      batch = changeLog.after(last, type.group(), type.kind(), REPLAY_BATCH);
      for (Change change : batch) {
        if (subscription.filter().matches(change)) {
          out.write(event(change.type().name(), change.object()));
        }
        last = change.revision();
      }
    } while (batch.size() == REPLAY_BATCH);
    return last;
  }

  private JsonObject bookmark(long revision) {
    return Json.createObjectBuilder()
        .add("kind", type.kind())
        .add("apiVersion", type.apiVersion())
        .add("metadata", Json.createObjectBuilder().add("resourceVersion", Long.toString(revision)))
        .build();
  }

  private byte[] event(String eventType, JsonObject object) {
    boolean anObject = !eventType.equals("BOOKMARK") && !eventType.equals("ERROR");
    JsonObject shown = !anObject ? object : table.isPresent()
        ? tables.single(type, object, table.get()) : Conversions.toServed(type, object);
    return ("{\"type\":\"" + eventType + "\",\"object\":" + shown + "}\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Releases what the watch holds and completes the response, once. Only the thread that owns
   * the watch calls it (the request thread in {@link #start}, a writer thread in {@link #turn()}),
   * never a container callback (see the class comment).
   */
  private void end(String reason) {
    release(reason);
    if (containerEnds || !completed.compareAndSet(false, true)) {
      return;
    }
    try {
      async.complete();
    } catch (IllegalStateException alreadyCompleted) {
      // the container completed it after an error: nothing is left to end
    }
  }

  /**
   * The subscription, the timers and the user's count; safe on any thread and more than once,
   * the first reason counts. It leaves the response alone.
   */
  private void release(String reason) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    phase = Phase.ENDED;
    hub.ended(reason);
    if (subscription != null) {
      subscription.close();
    }
    hub.released(this);
  }

  // --- WriteListener: called by the container (on its IO thread); they only hand over. ----------

  @Override
  public void onWritePossible() {
    if (phase == Phase.STARTING) {
      phase = Phase.LIVE;
    }
    wake();
  }

  /** The container does not complete the response after this: a writer thread does. */
  @Override
  public void onError(Throwable failure) {
    writeFailed = true;
    wake();
  }

  // --- AsyncListener: the container completes (or has completed) the response itself. ----------

  @Override
  public void onComplete(AsyncEvent event) {
    containerEnds = true;
    release("completed");
  }

  @Override
  public void onTimeout(AsyncEvent event) {
    containerEnds = true;
    release("container-timeout");
  }

  /** Possibly on the owner's own thread, inside its failed flush(): see the class comment. */
  @Override
  public void onError(AsyncEvent event) {
    containerEnds = true;
    release("async-error");
  }

  @Override
  public void onStartAsync(AsyncEvent event) {
    // not restarted
  }
}
