package dev.capstan.api.access.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.events.AuditTrailPublisher.AuditMessage;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class AuditTopicTest {

  private static JsonObject event(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }

  private static final JsonObject DELETE = event("""
      {"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a1",
       "stage":"ResponseComplete","verb":"delete","user":{"username":"alice","groups":["dev"]},
       "objectRef":{"resource":"deployments","namespace":"prod","name":"web","apiGroup":"apps",
       "apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200}}""");

  private static void awaitTrue(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("in time").isLessThan(deadline);
      Thread.onSpinWait();
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void anEventBecomesItsJsonWithTheSelectableProperties() {
    AuditMessage message = AuditTopic.message(DELETE);
    assertThat(event(message.json())).isEqualTo(DELETE);
    assertThat(message.code()).isEqualTo(200);
    assertThat(message.properties()).containsEntry("stage", "ResponseComplete")
        .containsEntry("level", "Metadata").containsEntry("verb", "delete")
        .containsEntry("user", "alice").containsEntry("apiGroup", "apps")
        .containsEntry("resource", "deployments").containsEntry("subresource", "")
        .containsEntry("namespace", "prod").containsEntry("name", "web");
  }

  @Test
  void anEventWithoutUserObjectOrResponseHasEmptyProperties() {
    AuditMessage message = AuditTopic.message(event("""
        {"kind":"Event","level":"Metadata","stage":"RequestReceived","verb":"get",
         "user":{},"requestURI":"/version"}"""));
    assertThat(message.code()).isZero();
    assertThat(message.properties()).containsEntry("user", "").containsEntry("resource", "")
        .containsEntry("namespace", "");
  }

  @Test
  void everyQueuedEventIsPublishedInOrder() {
    List<String> sent = new CopyOnWriteArrayList<>();
    try (AuditTopic topic = new AuditTopic(batch -> batch.forEach(m -> sent.add(
        event(m.json()).getString("auditID"))), Thread::new, 100)) {
      for (int i = 0; i < 50; i++) {
        topic.write(Json.createObjectBuilder(DELETE).add("auditID", "e" + i).build());
      }
      awaitTrue(() -> sent.size() == 50);
      assertThat(sent).first().isEqualTo("e0");
      assertThat(sent).last().isEqualTo("e49");
      assertThat(topic.dropped()).isZero();
    }
  }

  @Test
  void aFullQueueDropsAndCountsRatherThanBlockingTheRequest() throws Exception {
    CountDownLatch sending = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (AuditTopic topic = new AuditTopic(batch -> {
      sending.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, Thread::new, 3)) {
      topic.write(DELETE);
      // the sender holds the first event (a slow broker); three more fill the queue
      assertThat(sending.await(5, TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < 10; i++) {
        topic.write(DELETE);
      }
      assertThat(topic.dropped()).isEqualTo(7);
      release.countDown();
    }
  }

  @Test
  void aFailedSendCountsItsEventsAsDropped() {
    try (AuditTopic topic = new AuditTopic(batch -> {
      throw new IllegalStateException("broker gone");
    }, Thread::new, 100)) {
      topic.write(DELETE);
      topic.write(DELETE);
      awaitTrue(() -> topic.dropped() == 2);
      assertThat(topic.plugin()).isEqualTo("topic");
    }
  }
}
