package dev.capstan.agent.pods;

import dev.capstan.agent.events.PodEvents;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the pod phases' tests share: a clock they move, recorded events, a pod. */
final class Fixtures {

  private Fixtures() {}

  /** A clock that moves only when told. */
  static final class MutableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-12-06T04:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  /** Events kept as {@code Reason: message} lines. */
  static final class RecordedEvents implements PodEvents {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void normal(Pod pod, String container, String reason, String message) {
      events.add(reason + ": " + message);
    }

    @Override
    public void warning(Pod pod, String container, String reason, String message) {
      events.add(reason + ": " + message);
    }
  }

  /** A pod bound to node {@code n1} with one container {@code main} of image {@code app:1}. */
  static PodBuilder pod() {
    return new PodBuilder()
        .withNewMetadata().withName("web").withNamespace("ns").withUid("uid-0001-0001").endMetadata()
        .withNewSpec().withNodeName("n1").withTerminationGracePeriodSeconds(30L)
        .addNewContainer().withName("main").withImage("app:1").endContainer()
        .endSpec();
  }

  static Pod simplePod() {
    return pod().build();
  }
}
