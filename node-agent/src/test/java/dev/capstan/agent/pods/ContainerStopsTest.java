package dev.capstan.agent.pods;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.agent.lifecycle.LifecycleHooks;
import dev.capstan.agent.probes.ProbeRunner;
import dev.capstan.agent.runtime.ContainerRuntime.ExecResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ContainerStopsTest {

  private final Fixtures.MutableClock clock = new Fixtures.MutableClock();
  private final FakeRuntime runtime = new FakeRuntime(clock);
  private final Fixtures.RecordedEvents events = new Fixtures.RecordedEvents();
  private final ContainerStops stops = new ContainerStops(runtime,
      new LifecycleHooks(new ProbeRunner(runtime)), events, clock);
  private final AtomicInteger wakes = new AtomicInteger();
  private final Pod pod = Fixtures.simplePod();

  private String running(boolean ignoresStopSignal) {
    runtime.ignoreStopSignal = ignoresStopSignal;
    String id = runtime.create(new ContainerSpecsFixture().config());
    runtime.start(id);
    return id;
  }

  private Optional<Instant> advance(String id) {
    return stops.advance(runtime.inspect(id).orElseThrow(), wakes::incrementAndGet);
  }

  @Test
  void aContainerThatIgnoresItsStopSignalIsKilledWhenTheGracePeriodEndsNotBefore() {
    String id = running(true);
    Instant start = clock.instant();
    stops.request(id, pod, null, null, 40);

    assertThat(advance(id)).contains(start.plusSeconds(40));
    assertThat(runtime.calls).containsSequence("signal " + id + " SIGTERM");
    assertThat(runtime.box(id).running).isTrue();

    clock.advance(Duration.ofSeconds(39));
    advance(id);
    assertThat(runtime.calls).doesNotContain("signal " + id + " SIGKILL");

    clock.advance(Duration.ofSeconds(1));
    advance(id);
    assertThat(runtime.calls).contains("signal " + id + " SIGKILL");
    assertThat(runtime.box(id).running).isFalse();
    assertThat(advance(id)).as("a stopped container needs no more looks").isEmpty();
  }

  @Test
  void theStopSignalIsSentOnceAndAContainerThatObeysItNeedsNoKill() {
    String id = running(false);
    stops.request(id, pod, null, null, 30);

    advance(id);
    advance(id);

    assertThat(runtime.calls).containsOnlyOnce("signal " + id + " SIGTERM");
    assertThat(runtime.calls).doesNotContain("signal " + id + " SIGKILL");
    assertThat(runtime.box(id).exitCode).isEqualTo(143);
  }

  @Test
  void thePreStopHookRunsFirstAndTheSignalWaitsForItWithoutBlocking() {
    CompletableFuture<ExecResult> hook = new CompletableFuture<>();
    runtime.execs = command -> hook;
    String id = running(true);
    Container spec = new ContainerBuilder().withName("main").withNewLifecycle().withNewPreStop()
        .withNewExec().withCommand("drain").endExec().endPreStop().endLifecycle().build();
    stops.request(id, pod, spec, null, 30);

    assertThat(advance(id)).as("look again when the grace period ends")
        .contains(clock.instant().plusSeconds(30));
    assertThat(runtime.calls).contains("exec " + id + " drain")
        .doesNotContain("signal " + id + " SIGTERM");

    clock.advance(Duration.ofSeconds(29));
    hook.complete(new ExecResult(0, ""));
    assertThat(wakes).as("the hook's end wakes the pod").hasValue(1);
    Instant signalled = clock.instant();
    assertThat(advance(id)).as("at least 2 s between the signal and SIGKILL")
        .contains(signalled.plusSeconds(2));
    assertThat(runtime.calls).contains("signal " + id + " SIGTERM");
  }

  @Test
  void aPreStopHookThatOutlivesTheGracePeriodIsCutShortAndReported() {
    runtime.execs = command -> new CompletableFuture<>();
    String id = running(true);
    Container spec = new ContainerBuilder().withName("main").withNewLifecycle().withNewPreStop()
        .withNewExec().withCommand("hang").endExec().endPreStop().endLifecycle().build();
    stops.request(id, pod, spec, null, 5);
    advance(id);

    clock.advance(Duration.ofSeconds(5));
    advance(id);
    assertThat(runtime.calls).contains("signal " + id + " SIGTERM");
    assertThat(events.events).anyMatch(e -> e.startsWith("FailedPreStopHook"));
    clock.advance(Duration.ofSeconds(2));
    advance(id);
    assertThat(runtime.calls).contains("signal " + id + " SIGKILL");
  }

  @Test
  void noGraceMeansSigkillAtOnceAndAShorterGraceBringsTheDeadlineNearer() {
    String now = running(true);
    stops.request(now, pod, null, null, 0);
    advance(now);
    assertThat(runtime.calls).contains("signal " + now + " SIGKILL")
        .doesNotContain("signal " + now + " SIGTERM");

    String later = running(true);
    assertThat(stops.request(later, pod, null, null, 30)).isTrue();
    advance(later);
    assertThat(stops.request(later, pod, null, null, 1)).as("the same stop").isFalse();
    clock.advance(Duration.ofSeconds(1));
    advance(later);
    assertThat(runtime.calls).contains("signal " + later + " SIGKILL");
  }

  /** A plain container config for the fake runtime. */
  static final class ContainerSpecsFixture {
    dev.capstan.agent.runtime.ContainerConfig config() {
      return ContainerSpecs.container(Fixtures.simplePod(),
          Fixtures.simplePod().getSpec().getContainers().get(0),
          Map.of(PodLabels.CONTAINER, "main"), "capstan_main", "sandbox", Map.of(), Map.of());
    }
  }
}
