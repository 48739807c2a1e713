package dev.capstan.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.selection.FieldSelector;
import dev.capstan.selection.LabelSelector;
import dev.capstan.store.entity.ObjectChange;
import dev.capstan.store.entity.ObjectKey;
import jakarta.json.Json;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SubscriptionTest {

  private final AtomicInteger wakeUps = new AtomicInteger();
  private final AtomicInteger closes = new AtomicInteger();
  private final Subscription subscription = new Subscription(new WatchFilter("", "ConfigMap",
      Optional.of("prod"), LabelSelector.parse(""), FieldSelector.parse("")),
      wakeUps::incrementAndGet, closed -> closes.incrementAndGet());

  @Test
  void theSubscriberIsWokenOncePerBatchThatBroughtItSomething() {
    subscription.offer(change(1, "prod"));
    subscription.offer(change(2, "prod"));
    subscription.signal();
    subscription.offer(change(3, "dev"));
    subscription.signal();

    assertThat(wakeUps).hasValue(1);
    assertThat(subscription.poll().revision()).isEqualTo(1);
    assertThat(subscription.poll().revision()).isEqualTo(2);
    assertThat(subscription.poll()).as("another namespace's change").isNull();
  }

  @Test
  void aSubscriberThatFallsTooFarBehindIsMarkedOverflowed() {
    for (int i = 1; i <= Subscription.CAPACITY; i++) {
      subscription.offer(change(i, "prod"));
    }
    assertThat(subscription.overflowed()).isFalse();
    subscription.offer(change(Subscription.CAPACITY + 1, "prod"));
    assertThat(subscription.overflowed()).isTrue();
  }

  @Test
  void closingTwiceReleasesOnce() {
    subscription.close();
    subscription.close();
    assertThat(closes).hasValue(1);
  }

  private static Change change(long revision, String namespace) {
    return new Change(revision, ObjectChange.Type.ADDED, new ObjectKey("", "ConfigMap", namespace,
        "c" + revision), Json.createObjectBuilder().add("metadata", Json.createObjectBuilder()).build());
  }
}
