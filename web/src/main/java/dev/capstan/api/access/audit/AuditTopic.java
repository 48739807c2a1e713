package dev.capstan.api.access.audit;

import dev.capstan.contract.Topics;
import dev.capstan.events.AuditTrailPublisher;
import dev.capstan.events.AuditTrailPublisher.AuditMessage;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The audit trail on a JMS topic ({@link Topics#AUDIT}), a backend beside the log file, as
 * kube-apiserver's webhook backend is: requests only queue their events (bounded, never
 * blocking), one sender thread publishes them in batches. A full queue or a failed send drops
 * events and counts them.
 */
public final class AuditTopic implements AuditBackend, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(AuditTopic.class.getName());
  private static final int BATCH = 200;

  private final BlockingQueue<JsonObject> queue;
  private final Consumer<List<AuditMessage>> publisher;
  private final AtomicLong dropped = new AtomicLong();
  private final Thread sender;
  private volatile boolean closed;

  /**
   * Starts the sender.
   *
   * @param publisher sends a batch ({@link AuditTrailPublisher#publish}); may throw
   * @param threads makes the sender thread (the server's managed thread factory)
   * @param capacity the events that may wait to be sent
   */
  public AuditTopic(Consumer<List<AuditMessage>> publisher, ThreadFactory threads,
      int capacity) {
    this.publisher = publisher;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.sender = threads.newThread(this::drain);
    sender.setName("capstan-audit-topic");
    sender.setDaemon(true);
    sender.start();
  }

  @Override
  public String plugin() {
    return "topic";
  }

  @Override
  public void write(JsonObject event) {
    if (closed || !queue.offer(event)) {
      lost(1, "queue full");
    }
  }

  @Override
  public long dropped() {
    return dropped.get();
  }

  private void lost(int count, String why) {
    long total = dropped.addAndGet(count);
    if (total == count || total / 1000 != (total - count) / 1000) {
      LOG.warning("audit topic: " + total + " audit events dropped so far (" + why + ")");
    }
  }

  private void drain() {
    List<JsonObject> batch = new ArrayList<>();
    while (!closed || !queue.isEmpty()) {
      try {
        JsonObject first = queue.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, BATCH - 1);
        publisher.accept(batch.stream().map(AuditTopic::message).toList());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        lost(batch.size(), "cannot publish: " + e);
      }
      batch.clear();
    }
  }

  /** An event as a message: its JSON, and the properties subscribers select on. */
  static AuditMessage message(JsonObject event) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put(Topics.AUDIT_STAGE, event.getString("stage", ""));
    properties.put(Topics.AUDIT_LEVEL, event.getString("level", ""));
    properties.put(Topics.VERB, event.getString("verb", ""));
    JsonObject user = object(event, "user");
    properties.put(Topics.USER, user.getString("username", ""));
    JsonObject ref = object(event, "objectRef");
    properties.put(Topics.API_GROUP, ref.getString("apiGroup", ""));
    properties.put(Topics.RESOURCE, ref.getString("resource", ""));
    properties.put(Topics.SUBRESOURCE, ref.getString("subresource", ""));
    properties.put(Topics.NAMESPACE, ref.getString("namespace", ""));
    properties.put(Topics.NAME, ref.getString("name", ""));
    JsonObject status = object(event, "responseStatus");
    int code = status.containsKey("code") ? status.getInt("code") : 0;
    return new AuditMessage(event.toString(), properties, code);
  }

  private static JsonObject object(JsonObject event, String key) {
    return event.get(key) instanceof JsonObject object ? object : JsonValue.EMPTY_JSON_OBJECT;
  }

  /** Sends what is queued (for at most 10 s), then stops the sender. */
  @Override
  public void close() {
    closed = true;
    try {
      sender.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (sender.isAlive()) {
      sender.interrupt();
    }
  }
}
